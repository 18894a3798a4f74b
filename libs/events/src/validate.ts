import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { EVENT_CATALOG } from './catalog';
import type { CloudEvent } from './envelope';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);

const validators = new Map<string, ValidateFunction>();
for (const def of EVENT_CATALOG) validators.set(def.type, ajv.compile(def.schema));

export class EventValidationError extends Error {
  override name = 'EventValidationError';
}

/** Checks an event's type is known and its data matches the type's JSON Schema. */
export function validateEvent(event: CloudEvent): void {
  const validate = validators.get(event.type);
  if (!validate) throw new EventValidationError(`unknown event type ${event.type}`);
  if (!validate(event.data)) {
    throw new EventValidationError(`${event.type} does not match its schema: ${ajv.errorsText(validate.errors)}`);
  }
}
