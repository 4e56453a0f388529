/** The logical network: one libvirt network of the same name on every host of the data center. */
export { ensureNetworkOn, networkModelFor, networkOnHost, removeNetworksFrom } from './onHosts.js';
export { networkResource, validateNetworkConfig } from './resource.js';
