/** The power backend: fence devices (IPMI over LAN), knowing nothing of Terraform or the inventory. */
export { POWER_AGENTS, PowerControlError, ipmitoolArgv, powerOffConfirmed, powerStatus, setPower } from './ipmi.js';
export type { PowerAgent, PowerDevice, PowerFailureKind, PowerState } from './ipmi.js';
