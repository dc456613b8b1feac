// The markings engine: parse, format, roll up, and decide who may see what (DESIGN.md, "Markings").
export type { Marking, Participant } from './types';
export type { ClassificationLevel, CompartmentRule, ControlKind, FlagControl, ControlSpelling, ExclusiveControls, MarkingPolicy, MarkingPolicySpec } from './policy';
export { classificationRank, compartmentRule, createPolicy, defaultPolicy, defaultPolicySpec, isCompartment, policyWithGroups } from './policy';
export { MarkingError } from './errors';
export { parseMarking } from './parse';
export { checkOriginatorRules } from './originator';
export { formatBanner, formatPortion } from './format';
export { rollUp } from './rollup';
export { releasableNations } from './audience';
export { releaseAlong, travelsWith } from './releaseAlong';
export { accessLevelKey, canHoldCopy, canSee, dominates, grantsAccess, isNarrowing, participantFromLevelKey, remarkEffect, widensChain } from './access';
export { remarkRefusal, remarkRight, type RemarkActor, type RemarkRight } from './remarkRights';
export { BUILT_IN_GROUPS, ISO_3166_ALPHA3 } from './nations';
