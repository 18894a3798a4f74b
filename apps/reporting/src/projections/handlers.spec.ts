import { EVENT_CATALOG } from '@crm/events';
import { ALL_HANDLERS, ALL_TOPICS } from './index';

describe('reporting projections', () => {
  it('handle every event type the catalog puts on the topics reporting consumes (none is skipped silently)', () => {
    const topics = new Set(ALL_TOPICS);
    const unhandled = EVENT_CATALOG.filter((d) => topics.has(d.topic) && !ALL_HANDLERS[d.type]).map((d) => d.type);
    expect(unhandled).toEqual([]);
  });

  it('handle no event type the catalog does not know (a misspelt type would never fire)', () => {
    const known = new Set(EVENT_CATALOG.map((d) => d.type));
    expect(Object.keys(ALL_HANDLERS).filter((type) => !known.has(type))).toEqual([]);
  });
});
