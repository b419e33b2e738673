/**
 * Confinement rules for tar member paths. A member must land inside the directory it is extracted into,
 * whatever the archive says, so every path and link target is checked on pack, on index and on extract.
 */
import { posix } from 'node:path';
import { WeError } from '../../core/errors.js';

/**
 * The canonical form of a member path (`a/b/c`, no `.` or empty components), or a WeError naming the member
 * when it is absolute or climbs out with `..`. `where` names the archive or directory being read.
 */
export function canonicalMemberPath(raw: string, where: string): string {
  if (raw.includes('\0')) throw new WeError(`member ${JSON.stringify(raw)}: NUL byte in path`, where);
  if (raw.startsWith('/')) throw new WeError(`member ${JSON.stringify(raw)}: absolute path; expected a path relative to the archive root`, where);
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new WeError(`member ${JSON.stringify(raw)}: ".." component; expected a path inside the archive root`, where);
  if (parts.length === 0) throw new WeError(`member ${JSON.stringify(raw)}: empty path`, where);
  return parts.join('/');
}

/**
 * Checks that a symbolic link stored as `member` with target `linkname` resolves inside the archive root.
 * Absolute targets are refused too: they would point at a different file once the tree is moved.
 */
export function assertLinkConfined(member: string, linkname: string, where: string): void {
  if (linkname === '' || linkname.startsWith('/')) {
    throw new WeError(`member ${JSON.stringify(member)}: symlink target ${JSON.stringify(linkname)} is absolute or empty; expected a relative target inside the tree`, where);
  }
  const resolved = posix.normalize(posix.join(posix.dirname(member), linkname));
  if (resolved === '..' || resolved.startsWith('../')) {
    throw new WeError(`member ${JSON.stringify(member)}: symlink target ${JSON.stringify(linkname)} points outside the tree`, where);
  }
}

/** The member a symbolic link refers to, as a canonical member path (the link must already be confined). */
export function resolveLinkTarget(member: string, linkname: string): string {
  return posix.normalize(posix.join(posix.dirname(member), linkname));
}
