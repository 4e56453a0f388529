/** The iSCSI target on a storage server (tgt): its LUNs, and which hosts it admits. */
export { changeTargetAcl, compareTargetChap, hostsNotAdmitted, readTarget, type ChapComparison } from './acl.js';
export { formatTargetId, hostInitiatorIqn, isHostInitiator, parsePortal, parseTargetId, portalOf, type TargetLocation } from './location.js';
export { iscsiTargetResource, validateTargetConfig } from './resource.js';
