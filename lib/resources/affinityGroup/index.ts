/** The affinity group: VMs kept together or apart, and on or off given hosts. */
export { affinityGroupResource } from './resource.js';
