/** The power backend: fence devices (IPMI over LAN, a command over SSH), knowing nothing of Terraform or the inventory. */
export { ipmitoolArgv } from './ipmi.js';
export { powerDeviceOf, powerOffConfirmed, powerStatus, setPower } from './control.js';
export type { PowerControllerSpec } from './control.js';
export { POWER_AGENTS, PowerControlError } from './powerDevice.js';
export type { IpmiPowerDevice, PowerAgent, PowerDevice, PowerFailureKind, PowerState, SshPowerDevice } from './powerDevice.js';
