// Every project's tests in one run: `npx jest` (or `npm test`, which also brings the infrastructure up).
module.exports = {
  testTimeout: 60_000,
  projects: ['<rootDir>/apps/*/jest.config.js', '<rootDir>/libs/*/jest.config.js', '<rootDir>/tests/*/jest.config.js'],
};
