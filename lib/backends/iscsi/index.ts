export { IscsiTargetManager } from './targets.js';

export type { UpdateOptions, TidRange } from './plan.js';
export { DEFAULT_TID_RANGE } from './plan.js';
export type { IscsiServerState, ManagedTarget, ServedTarget } from './serverState.js';
export type { ChapCredentials, InitiatorRule, LunSpec, TargetSpec } from './spec.js';
export { MAX_LUN, MAX_SIZE_MIB, MIN_LUN, validateInitiatorAddress, validateTargetSpec } from './spec.js';
export { isIqn, iqnProblem, validateIqn, validateInitiatorName } from './iqn.js';
export type { ParsedIqn } from './iqn.js';
export type { TgtSession, TgtTarget } from './tgtShow.js';
export { parseTgtAccounts, parseTgtShow, tgtSizeMbOf } from './tgtShow.js';
export type { RemoteShell } from './remoteShell.js';
export { CONF_PATH, ISCSI_PORT, STATE_DIR, lunSerialOf, managedFileOf } from './layout.js';
export {
  BackingStoreError,
  ChapAccountConflictError,
  ForeignTargetError,
  IscsiError,
  IscsiOperationError,
  IscsiValidationError,
  OwnershipMismatchError,
  ShrinkRefusedError,
  TargetBusyError,
  TargetExistsError,
  TargetNotFoundError,
  TgtConfigError,
  TgtOutputError,
  TgtdUnavailableError,
  TidExhaustedError,
  describeIscsiFailure,
} from './errors.js';
