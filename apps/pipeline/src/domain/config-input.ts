import { badInput, isValidDate, parseDecimal } from '@crm/graphql';
import { Decimal } from '@crm/money';
import { isUuid } from '@crm/runtime';
import { parseProbability } from './probability';
import { SCORING_VARIABLES, type ScoringVariable } from './scoring';

/** Validation of the configuration inputs (teams, pipelines, stages, tags, lost reasons, rates). */
function has<T extends object>(input: T, key: keyof T): boolean {
  return Object.prototype.hasOwnProperty.call(input, key) && input[key] !== undefined;
}

function name(value: string | null | undefined, field = 'name'): string {
  const trimmed = (value ?? '').trim();
  if (trimmed === '') throw badInput(field, `${field} must not be empty`);
  if (trimmed.length > 200) throw badInput(field, `${field} is longer than 200 characters`);
  return trimmed;
}

function optionalId(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (!isUuid(value)) throw badInput(field, `${field} is not an id`);
  return value.toLowerCase();
}

export function currencyCode(value: string | null | undefined, field = 'currency'): string {
  const code = (value ?? '').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw badInput(field, `"${value}" is not an ISO 4217 currency code`);
  return code;
}

function sequence(value: number | null | undefined, field = 'sequence'): number {
  if (value === null || value === undefined || !Number.isInteger(value) || Math.abs(value) > 1_000_000) {
    throw badInput(field, `${field} must be a whole number`);
  }
  return value;
}

export interface TeamInput {
  name?: string | null;
  leaderId?: string | null;
  memberIds?: string[] | null;
  emailAlias?: string | null;
  invoicingTarget?: string | null;
  currency?: string | null;
  useLeads?: boolean | null;
  orderConfirmationMarksWon?: boolean | null;
  scoringFields?: string[] | null;
  sequence?: number | null;
  active?: boolean | null;
  isDefault?: boolean | null;
}

export interface TeamFields {
  name?: string;
  leaderId?: string | null;
  memberIds?: string[];
  emailAlias?: string | null;
  invoicingTarget?: string | null;
  currency?: string;
  useLeads?: boolean;
  orderConfirmationMarksWon?: boolean;
  scoringFields?: ScoringVariable[];
  sequence?: number;
  active?: boolean;
  isDefault?: boolean;
}

export function validateTeam(input: TeamInput): TeamFields {
  const out: TeamFields = {};
  if (has(input, 'name')) out.name = name(input.name);
  if (has(input, 'leaderId')) out.leaderId = optionalId(input.leaderId, 'leaderId');
  if (has(input, 'memberIds')) out.memberIds = [...new Set((input.memberIds ?? []).map((m, i) => optionalId(m, `memberIds.${i}`)!))];
  if (has(input, 'emailAlias')) {
    const alias = (input.emailAlias ?? '').trim().toLowerCase();
    if (alias !== '' && !/^[a-z0-9][a-z0-9._+-]{0,63}$/.test(alias)) throw badInput('emailAlias', `"${input.emailAlias}" is not an e-mail alias`);
    out.emailAlias = alias || null;
  }
  if (has(input, 'invoicingTarget')) {
    if (input.invoicingTarget === null) out.invoicingTarget = null;
    else {
      const target = parseDecimal(input.invoicingTarget);
      if (target.startsWith('-')) throw badInput('invoicingTarget', 'the invoicing target must not be negative');
      out.invoicingTarget = Decimal.of(target).toFixed(2);
    }
  }
  if (has(input, 'currency')) out.currency = currencyCode(input.currency);
  if (has(input, 'useLeads')) out.useLeads = Boolean(input.useLeads);
  if (has(input, 'orderConfirmationMarksWon')) out.orderConfirmationMarksWon = Boolean(input.orderConfirmationMarksWon);
  if (has(input, 'scoringFields')) {
    const fields = (input.scoringFields ?? []).map((f) => f.toLowerCase());
    fields.forEach((f, i) => {
      if (!(SCORING_VARIABLES as readonly string[]).includes(f)) throw badInput(`scoringFields.${i}`, `"${f}" is not one of ${SCORING_VARIABLES.join(', ')}`);
    });
    out.scoringFields = [...new Set(fields)] as ScoringVariable[];
  }
  if (has(input, 'sequence')) out.sequence = sequence(input.sequence);
  if (has(input, 'active')) out.active = Boolean(input.active);
  if (has(input, 'isDefault')) out.isDefault = Boolean(input.isDefault);
  return out;
}

export interface StageInput {
  name?: string | null;
  sequence?: number | null;
  folded?: boolean | null;
  isWon?: boolean | null;
  probability?: string | null;
  requirements?: string | null;
  teamId?: string | null;
  pipelineId?: string | null;
}

export interface StageFields {
  name?: string;
  sequence?: number;
  folded?: boolean;
  isWon?: boolean;
  probability?: string;
  requirements?: string | null;
  teamId?: string | null;
  pipelineId?: string | null;
}

export function validateStage(input: StageInput): StageFields {
  const out: StageFields = {};
  if (has(input, 'name')) out.name = name(input.name);
  if (has(input, 'sequence')) out.sequence = sequence(input.sequence);
  if (has(input, 'folded')) out.folded = Boolean(input.folded);
  if (has(input, 'isWon')) out.isWon = Boolean(input.isWon);
  if (has(input, 'probability')) {
    if (input.probability === null) throw badInput('probability', 'a stage needs a default probability');
    out.probability = parseProbability(input.probability!);
  }
  if (has(input, 'requirements')) out.requirements = (input.requirements ?? '').trim() || null;
  if (has(input, 'teamId')) out.teamId = optionalId(input.teamId, 'teamId');
  if (has(input, 'pipelineId')) out.pipelineId = optionalId(input.pipelineId, 'pipelineId');
  return out;
}

export function validateName(value: string | null | undefined, field = 'name'): string {
  return name(value, field);
}

export function validateSequence(value: number | null | undefined, field = 'sequence'): number {
  return sequence(value, field);
}

export function validateColor(value: number | null | undefined): number {
  const color = value ?? 0;
  if (!Number.isInteger(color) || color < 0 || color > 11) throw badInput('color', 'color is an index from 0 to 11');
  return color;
}

/** A currency rate: value of one unit in the reference currency (> 0), from a date on. */
export function validateRate(input: { currency?: string | null; rate?: string | null; validFrom?: string | null }, today: string): {
  currency: string;
  rate: string;
  validFrom: string;
} {
  const currency = currencyCode(input.currency);
  let rate: string;
  try {
    rate = parseDecimal(input.rate);
  } catch {
    throw badInput('rate', `"${input.rate}" is not a number`);
  }
  if (rate.startsWith('-') || /^0+(\.0+)?$/.test(rate)) throw badInput('rate', 'a rate must be greater than 0');
  const validFrom = input.validFrom ?? today;
  if (!isValidDate(validFrom)) throw badInput('validFrom', `"${validFrom}" is not a date`);
  return { currency, rate, validFrom };
}
