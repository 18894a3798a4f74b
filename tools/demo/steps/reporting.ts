import type { DemoStep } from '../step';

/**
 * Reporting's own configuration: the exchange rates reports convert with (IDR as the
 * reference), so `pipelineAnalysis(currency: "IDR")` can add the demo's amounts up.
 */
export const reportingStep: DemoStep = {
  name: 'reporting',
  async run({ api }) {
    for (const [currency, rate] of [
      ['IDR', '1'],
      ['USD', '16250'],
      ['EUR', '17600'],
    ] as const) {
      await api.data(`mutation($input: SetCurrencyRateInput!) { setCurrencyRate(input: $input) { rate { currency } } }`, {
        input: { currency, rate },
      });
    }
  },
};
