import { validateGates, type StageGates } from '../../domain/gates';
import { validatePipelineRules, type PipelineRules, type PipelineRulesInput } from '../../domain/pipeline-rules';
import { validatePropertyDefinitions, type PropertyDefinition } from '../../domain/properties';
import dealer from './dealer-h23-follow-up.json';
import standard from './standard.json';

/**
 * Pipeline templates shipped with the product as configuration (JSON beside this file):
 * stages with their gates, custom fields (properties) and lost reasons. An administrator
 * creates a pipeline from one (`createPipeline(input: { templateKey })`) and may change
 * everything afterwards.
 */
export interface TemplateStage {
  name: string;
  sequence: number;
  probability: string;
  folded: boolean;
  isWon: boolean;
  requirements: string | null;
  gates: StageGates;
}

export interface PipelineTemplate {
  key: string;
  name: string;
  description: string;
  propertyDefinitions: PropertyDefinition[];
  stages: TemplateStage[];
  lostReasons: string[];
  /** Rules for all the pipeline's records (a lead's required fields, values set by themselves). */
  rules: PipelineRules;
}

interface RawTemplate {
  key: string;
  name: string;
  description: string;
  propertyDefinitions?: { key: string; label: string; type: string; options?: { value: string; label: string }[] }[];
  stages: {
    name: string;
    sequence: number;
    probability: string;
    folded?: boolean;
    isWon?: boolean;
    requirements?: string;
    gates?: Parameters<typeof validateGates>[0];
  }[];
  lostReasons?: string[];
  rules?: PipelineRulesInput;
}

/** Validates a template as the configuration mutations would (so a broken file fails loudly). */
export function loadTemplate(raw: RawTemplate): PipelineTemplate {
  const propertyDefinitions = validatePropertyDefinitions(raw.propertyDefinitions ?? [], `${raw.key}.propertyDefinitions`);
  const types = Object.fromEntries(propertyDefinitions.map((d) => [d.key, d.type]));
  return {
    key: raw.key,
    name: raw.name,
    description: raw.description,
    propertyDefinitions,
    stages: raw.stages.map((s, i) => ({
      name: s.name,
      sequence: s.sequence,
      probability: s.probability,
      folded: s.folded ?? false,
      isWon: s.isWon ?? false,
      requirements: s.requirements ?? null,
      gates: validateGates(s.gates ?? {}, types, `${raw.key}.stages.${i}.gates`),
    })),
    lostReasons: raw.lostReasons ?? [],
    rules: validatePipelineRules(raw.rules ?? {}, propertyDefinitions, `${raw.key}.rules`),
  };
}

export const PIPELINE_TEMPLATES: readonly PipelineTemplate[] = [loadTemplate(standard as RawTemplate), loadTemplate(dealer as RawTemplate)];

export function templateByKey(key: string): PipelineTemplate | undefined {
  return PIPELINE_TEMPLATES.find((t) => t.key === key);
}
