import { hasErrors } from '../checks/report.js';
import type { Finding } from '../checks/types.js';

/**
 * The build's exit code. A failed source (unreadable, corrupt, too large, sha256 mismatch …) fails the build
 * unless `keepGoing`; then every per-source failure is treated alike: the errors the checks report about a
 * source that already failed (e.g. source-sha256 on a file that does not match its manifest hash) are the
 * same failure seen twice and do not fail the build either. Errors about anything else still do.
 */
export function buildExitCode(errors: readonly { source_id: string }[], findings: readonly Finding[], keepGoing: boolean): 0 | 1 {
  if (errors.length > 0 && !keepGoing) return 1;
  const failed = new Set(errors.map((e) => e.source_id));
  const counted = findings.filter((f) => !(f.place.source_id !== null && failed.has(f.place.source_id)));
  return hasErrors(counted) ? 1 : 0;
}
