import { badInput } from '@crm/graphql';

/**
 * Where the dealer's follow-up values live (seed 002): keys of the opportunity's `properties`
 * and stage names, configurable because each dealer (and the pipeline's configurable fields)
 * names them its own way.
 */
export interface FollowUpConfig {
  /** Property holding the customer status of the last contact attempt. */
  customerStatusKey: string;
  /** Its values, as shown (matched case-insensitively, `_` as a space: see normalizeStatus). */
  customerStatuses: string[];
  /** Which of them count as "reached". */
  reachedStatuses: string[];
  /** Follow-up steps: done when the date property is set or the record has been in the stage. */
  steps: { name: string; dateKey: string | null; stageName: string | null }[];
  /** Property with the reason a customer did not come for service. */
  notServicedReasonKey: string;
  /** Property with the prospect rating (HOT / MEDIUM / COLD PROSPECT). */
  prospectStatusKey: string;
  /** Property columns of the "Laporan CRM" export, in order. */
  exportColumns: { key: string; label: string }[];
}

/**
 * The defaults name what the pipeline's dealer template (apps/pipeline/src/config/templates/
 * dealer-h23-follow-up.json) publishes: `customerStatus` with the values TERHUBUNG /
 * TIDAK_TERHUBUNG / REJECTED (shown Terhubung / Tidak Terhubung / Rejected), `followUp1..3`,
 * `nextPlanFollowUp2..3`, `prospectRating`, `reasonNotServiced`, `kpbNumber`, `engineNumber`.
 */
export const DEFAULT_FOLLOW_UP_CONFIG: FollowUpConfig = {
  customerStatusKey: 'customerStatus',
  customerStatuses: ['Terhubung', 'Tidak Terhubung', 'Rejected'],
  reachedStatuses: ['Terhubung'],
  steps: [
    { name: 'Follow Up 1', dateKey: 'followUp1', stageName: 'Follow Up 1' },
    { name: 'Follow Up 2', dateKey: 'followUp2', stageName: 'Follow Up 2' },
    { name: 'Follow Up 3', dateKey: 'followUp3', stageName: 'Follow Up 3' },
  ],
  notServicedReasonKey: 'reasonNotServiced',
  prospectStatusKey: 'prospectRating',
  exportColumns: [
    { key: 'customerStatus', label: 'Status Customer' },
    { key: 'prospectRating', label: 'Opportunity Status' },
    { key: 'followUp1', label: 'Follow Up 1' },
    { key: 'nextPlanFollowUp2', label: 'Next Plan Follow Up 2' },
    { key: 'followUp2', label: 'Follow Up 2' },
    { key: 'nextPlanFollowUp3', label: 'Next Plan Follow Up 3' },
    { key: 'followUp3', label: 'Follow Up 3' },
    { key: 'kpbNumber', label: 'KPB Ke' },
    { key: 'engineNumber', label: 'Engine No' },
    { key: 'reasonNotServiced', label: 'Alasan Belum Servis' },
  ],
};

/**
 * How a customer status is compared: case-insensitive, with underscores and runs of spaces as
 * one space — so a configured "Tidak Terhubung" matches the option value TIDAK_TERHUBUNG the
 * pipeline stores as well as a typed "tidak  terhubung". The SQL twin is {@link statusMatchSql}.
 */
export function normalizeStatus(value: string): string {
  return value.trim().toLowerCase().replace(/[\s_]+/g, ' ');
}

/** {@link normalizeStatus} in SQL over a text expression (NULL stays NULL, blank becomes NULL). */
export function statusMatchSql(expression: string): string {
  return `NULLIF(regexp_replace(lower(btrim(${expression})), '[[:space:]_]+', ' ', 'g'), '')`;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

function key(value: unknown, field: string): string {
  if (typeof value !== 'string' || !KEY.test(value)) throw badInput(field, 'a property key: letters, digits, _ . - (up to 64)');
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > 100) throw badInput(field, 'a non-empty name (up to 100 characters)');
  return value.trim();
}

/** Validates a (partial) configuration over the current one; BAD_USER_INPUT names the field. */
export function mergeFollowUpConfig(current: FollowUpConfig, input: Partial<FollowUpConfig>): FollowUpConfig {
  const next: FollowUpConfig = { ...current };
  if (input.customerStatusKey !== undefined && input.customerStatusKey !== null) next.customerStatusKey = key(input.customerStatusKey, 'input.customerStatusKey');
  if (input.customerStatuses != null) {
    if (input.customerStatuses.length === 0 || input.customerStatuses.length > 20) throw badInput('input.customerStatuses', '1 to 20 statuses');
    next.customerStatuses = input.customerStatuses.map((s, i) => text(s, `input.customerStatuses.${i}`));
  }
  if (input.reachedStatuses != null) next.reachedStatuses = input.reachedStatuses.map((s, i) => text(s, `input.reachedStatuses.${i}`));
  const known = new Set(next.customerStatuses.map(normalizeStatus));
  const stray = next.reachedStatuses.find((s) => !known.has(normalizeStatus(s)));
  if (stray !== undefined) throw badInput('input.reachedStatuses', `"${stray}" is not one of the customer statuses`);
  if (input.steps != null) {
    if (input.steps.length === 0 || input.steps.length > 10) throw badInput('input.steps', '1 to 10 steps');
    next.steps = input.steps.map((s, i) => {
      const step = {
        name: text(s.name, `input.steps.${i}.name`),
        dateKey: s.dateKey == null ? null : key(s.dateKey, `input.steps.${i}.dateKey`),
        stageName: s.stageName == null ? null : text(s.stageName, `input.steps.${i}.stageName`),
      };
      if (!step.dateKey && !step.stageName) throw badInput(`input.steps.${i}`, 'a step needs a date property or a stage name');
      return step;
    });
  }
  if (input.notServicedReasonKey != null) next.notServicedReasonKey = key(input.notServicedReasonKey, 'input.notServicedReasonKey');
  if (input.prospectStatusKey != null) next.prospectStatusKey = key(input.prospectStatusKey, 'input.prospectStatusKey');
  if (input.exportColumns != null) {
    if (input.exportColumns.length > 40) throw badInput('input.exportColumns', 'at most 40 columns');
    next.exportColumns = input.exportColumns.map((c, i) => ({ key: key(c.key, `input.exportColumns.${i}.key`), label: text(c.label, `input.exportColumns.${i}.label`) }));
  }
  return next;
}

export const NOT_FOLLOWED_UP = 'Not followed up';
export const NO_REASON = 'No reason given';
