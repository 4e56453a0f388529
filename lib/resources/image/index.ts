/** The image: a disk image file copied into a dir storage domain, the base of disks and templates. */
export { imageResource, type ImageState } from './resource.js';
