import { blockType } from '../../../lib/framework/schema.js';
import type { TerraformObject } from '../../../lib/framework/values.js';
import { testFileSchema } from '../fixtures/testFileResource.js';

export const testFileType = blockType(testFileSchema);

/** A virtplane_test_file configuration as Terraform sends it: every attribute, unset ones null. */
export function testFileConfig(values: Partial<Record<keyof typeof testFileSchema.attributes | 'annotation', unknown>>): TerraformObject {
  return {
    id: null,
    path: null,
    content: null,
    mode: null,
    apply_delay_ms: null,
    checksum: null,
    inode: null,
    secret_note: null,
    annotation: [],
    ...values,
  } as TerraformObject;
}
