import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, link, lstat, mkdir, open, readFile, readlink, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import tarStream from 'tar-stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { WeError } from '../core/errors.js';
import { extractMember, indexPathFor, indexTar, IndexedTar, listMembers, packDirectory, readMember } from '../plugins/staging/indexed-tar.js';
import { tempDir } from './helpers/temp-dir.js';

let work: string;
beforeEach(async () => {
  work = tempDir('tar');
});

const LONG_DIR = 'd'.repeat(90);
const TREE: Record<string, Buffer> = {
  '000001/000000/seg.dcd': randomBytes(70_000),
  '000001/000000/pcoord.txt': Buffer.from('0.1000 0.2000\n0.3000 0.4000\n'),
  '000001/000001/seg.rst': randomBytes(1024),
  '000001/000001/empty.log': Buffer.alloc(0),
  [`000001/000002/${LONG_DIR}/needs-ustar-prefix.bin`]: randomBytes(600),
  [`000001/000002/${'p'.repeat(150)}/${'q'.repeat(150)}/needs-pax.bin`]: randomBytes(513),
  '000001/000003/unicodé ünits.txt': Buffer.from('ünïcode'),
};

async function writeTree(root: string, tree: Record<string, Buffer>): Promise<void> {
  for (const [path, data] of Object.entries(tree)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), data);
  }
}

/** A tar written entry by entry with tar-stream itself, to forge archives our packer would never make. */
async function craftTar(path: string, entries: Array<{ name: string; data?: string; type?: 'file' | 'symlink' | 'link'; linkname?: string }>): Promise<void> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const entry of entries) {
    await new Promise<void>((resolve, reject) => {
      if (entry.type !== undefined && entry.type !== 'file') pack.entry({ name: entry.name, type: entry.type, linkname: entry.linkname }, (e) => (e ? reject(e) : resolve()));
      else pack.entry({ name: entry.name }, entry.data ?? '', (e) => (e ? reject(e) : resolve()));
    });
  }
  pack.finalize();
  await collected;
  await writeFile(path, Buffer.concat(chunks));
}

async function expectWeError(promise: Promise<unknown>, ...fragments: string[]): Promise<WeError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a WeError, but the call succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WeError);
  for (const fragment of fragments) expect((error as WeError).message).toContain(fragment);
  return error as WeError;
}

describe('packDirectory and readMember', () => {
  it('round-trips a real tree byte for byte, including ustar-prefix, pax and unicode names', async () => {
    const src = join(work, 'src');
    await writeTree(src, TREE);
    await chmod(join(src, '000001/000001/seg.rst'), 0o600);
    await utimes(join(src, '000001/000000/seg.dcd'), 1_600_000_000, 1_600_000_000);
    const tarPath = join(work, 'out', 'iter_000001.node1.tar');

    const index = await packDirectory(src, 'all', tarPath);

    expect(index.members.map((m) => m.path)).toEqual(Object.keys(TREE).sort());
    expect((await listMembers(tarPath)).map((m) => m.path)).toEqual(Object.keys(TREE).sort());
    for (const [path, data] of Object.entries(TREE)) {
      expect((await readMember(tarPath, path)).equals(data), path).toBe(true);
    }
    const rst = index.members.find((m) => m.path === '000001/000001/seg.rst')!;
    expect(rst.mode).toBe(0o600);
    expect(index.members.find((m) => m.path === '000001/000000/seg.dcd')!.mtime).toBe(1_600_000_000);
    expect(index.tarSize).toBe((await stat(tarPath)).size);
  });

  it('writes a tar that GNU tar reads, and indexes a tar that GNU tar wrote', async () => {
    const src = join(work, 'src');
    await writeTree(src, TREE);
    const ours = join(work, 'ours.tar');
    await packDirectory(src, 'all', ours);
    const listed = execFileSync('tar', ['-tf', ours], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(listed).toEqual(Object.keys(TREE).sort());

    const theirs = join(work, 'theirs.tar');
    await link(join(src, '000001/000001/seg.rst'), join(src, '000001/000001/hard.rst'));
    execFileSync('tar', ['-cf', theirs, '-C', src, '.']);
    const index = await indexTar(theirs);
    for (const [path, data] of Object.entries(TREE)) {
      expect((await readMember(theirs, path)).equals(data), path).toBe(true);
    }
    const linked = index.members.filter((m) => m.type === 'link');
    expect(linked).toHaveLength(1);
    expect((await readMember(theirs, linked[0].path)).equals(TREE['000001/000001/seg.rst'])).toBe(true);
  });

  it('packs only the listed members, taking listed directories recursively', async () => {
    const src = join(work, 'src');
    await writeTree(src, TREE);
    const tarPath = join(work, 'some.tar');
    const index = await packDirectory(src, ['000001/000001', './000001/000000/pcoord.txt'], tarPath);
    expect(index.members.map((m) => m.path)).toEqual(['000001/000000/pcoord.txt', '000001/000001/empty.log', '000001/000001/seg.rst']);
  });

  it('seeks by the index: a member still reads after every other header is destroyed, where a scan fails', async () => {
    const src = join(work, 'src');
    await writeTree(src, TREE);
    const tarPath = join(work, 'x.tar');
    const index = await packDirectory(src, 'all', tarPath);
    const wanted = index.members[index.members.length - 1];
    const handle = await open(tarPath, 'r+');
    for (const member of index.members) {
      if (member !== wanted) await handle.write(Buffer.alloc(512, 0x55), 0, 512, member.headerOffset);
    }
    await handle.close();

    expect((await readMember(tarPath, wanted.path)).equals(TREE[wanted.path])).toBe(true);
    await expectWeError(indexTar(tarPath), 'corrupt tar header at offset 0');
    expect(() => execFileSync('tar', ['-tf', tarPath], { stdio: 'pipe' })).toThrow();
  });

  it('refuses an index that no longer describes the tar beside it', async () => {
    const first = join(work, 'first');
    const second = join(work, 'second');
    await writeTree(first, { 'a/x1': Buffer.alloc(100, 1), 'a/x2': Buffer.alloc(100, 2) });
    await writeTree(second, { 'a/y1': Buffer.alloc(100, 3), 'a/y2': Buffer.alloc(100, 4) });
    const tarPath = join(work, 'same-size.tar');
    await packDirectory(first, 'all', tarPath);
    const staleIndex = join(work, 'stale.idx.json');
    await copyFile(indexPathFor(tarPath), staleIndex);
    await packDirectory(second, 'all', tarPath);
    await copyFile(staleIndex, indexPathFor(tarPath));

    await expectWeError(readMember(tarPath, 'a/x1'), 'does not match the tar', '"a/x1"', '"a/y1"');
  });

  it('names similar members when the one asked for is missing', async () => {
    const src = join(work, 'src');
    await writeTree(src, TREE);
    const tarPath = join(work, 'x.tar');
    await packDirectory(src, 'all', tarPath);
    const error = await expectWeError(readMember(tarPath, '000001/000000/seg.dcx'), '"000001/000000/seg.dcx" not found', 'similar: 000001/000000/seg.dcd');
    expect(error.message).toContain(tarPath);
  });

  it('treats a tar without an index as not gathered', async () => {
    const src = join(work, 'src');
    await writeTree(src, TREE);
    const tarPath = join(work, 'x.tar');
    await packDirectory(src, 'all', tarPath);
    await rm(indexPathFor(tarPath));
    await expectWeError(readMember(tarPath, '000001/000001/seg.rst'), 'not gathered');
  });

  it('verifies sha256 when the index records it', async () => {
    const src = join(work, 'src');
    await writeTree(src, TREE);
    const tarPath = join(work, 'x.tar');
    const index = await packDirectory(src, 'all', tarPath, { sha256: true });
    const member = index.members.find((m) => m.path === '000001/000001/seg.rst')!;
    expect(member.sha256).toMatch(/^[0-9a-f]{64}$/);
    const handle = await open(tarPath, 'r+');
    await handle.write(Buffer.from([TREE[member.path][10] ^ 0xff]), 0, 1, member.offset + 10);
    await handle.close();
    await expectWeError(readMember(tarPath, member.path), 'sha256');
  });

  it('extracts a member with its mode and mtime, and an in-tree symlink as a symlink', async () => {
    const src = join(work, 'src');
    await writeTree(src, { 'seg/seg.rst': Buffer.from('restart'), 'seg/bin/run.sh': Buffer.from('#!/bin/sh\n') });
    await chmod(join(src, 'seg/bin/run.sh'), 0o751);
    await utimes(join(src, 'seg/bin/run.sh'), 1_500_000_000, 1_500_000_000);
    await symlink('../seg.rst', join(src, 'seg/bin/parent.rst'));
    const tarPath = join(work, 'x.tar');
    await packDirectory(src, 'all', tarPath);
    const dest = join(work, 'dest');
    await mkdir(dest);

    const written = await extractMember(tarPath, 'seg/bin/run.sh', dest);
    expect(written).toBe(join(dest, 'seg/bin/run.sh'));
    const stats = await stat(written);
    expect(stats.mode & 0o7777).toBe(0o751);
    expect(Math.floor(stats.mtimeMs / 1000)).toBe(1_500_000_000);
    await extractMember(tarPath, 'seg/bin/parent.rst', dest);
    expect(await readlink(join(dest, 'seg/bin/parent.rst'))).toBe('../seg.rst');
    expect((await readMember(tarPath, 'seg/bin/parent.rst')).toString()).toBe('restart');
  });
});

describe('member confinement', () => {
  it('rejects absolute and ".." members on pack', async () => {
    const src = join(work, 'src');
    await writeTree(src, { 'a/b.txt': Buffer.from('b') });
    await writeFile(join(work, 'outside.txt'), 'secret');
    await expectWeError(packDirectory(src, ['../outside.txt'], join(work, 'x.tar')), '"../outside.txt"', '".."');
    await expectWeError(packDirectory(src, [join(work, 'outside.txt')], join(work, 'x.tar')), 'absolute');
    expect(existsSync(join(work, 'x.tar'))).toBe(false);
  });

  it('rejects symlinks that leave the tree, and paths reached through them, on pack', async () => {
    const src = join(work, 'src');
    const outside = join(work, 'outside');
    await writeTree(src, { 'seg/ok.txt': Buffer.from('ok') });
    await writeTree(outside, { 'secret.txt': Buffer.from('secret') });
    await symlink('../../outside/secret.txt', join(src, 'seg/escape'));
    await expectWeError(packDirectory(src, 'all', join(work, 'x.tar')), '"seg/escape"', 'outside the tree');
    await rm(join(src, 'seg/escape'));
    await symlink(join(outside, 'secret.txt'), join(src, 'seg/absolute'));
    await expectWeError(packDirectory(src, 'all', join(work, 'x.tar')), '"seg/absolute"', 'absolute');
    await rm(join(src, 'seg/absolute'));
    await symlink(outside, join(src, 'dirlink'));
    await expectWeError(packDirectory(src, ['dirlink/secret.txt'], join(work, 'x.tar')), '"dirlink/secret.txt"', 'leaves the source root');
    expect(existsSync(join(work, 'x.tar'))).toBe(false);
  });

  it('rejects ".." and absolute members and escaping symlinks in a crafted tar', async () => {
    const cases: Array<[string, Parameters<typeof craftTar>[1], string]> = [
      ['dotdot.tar', [{ name: 'ok.txt', data: 'ok' }, { name: '../../evil.txt', data: 'evil' }], '"../../evil.txt"'],
      ['absolute.tar', [{ name: '/etc/evil.conf', data: 'evil' }], '"/etc/evil.conf"'],
      ['symlink.tar', [{ name: 'seg/link', type: 'symlink', linkname: '../../etc' }], '"seg/link"'],
      ['hardlink.tar', [{ name: 'seg/hard', type: 'link', linkname: '../../etc/passwd' }], '"../../etc/passwd"'],
    ];
    for (const [name, entries, fragment] of cases) {
      const tarPath = join(work, name);
      await craftTar(tarPath, entries);
      await expectWeError(indexTar(tarPath), fragment);
      expect(existsSync(indexPathFor(tarPath))).toBe(false);
    }
  });

  it('rejects a forged index that points at a ".." member or names one itself, without writing outside', async () => {
    const tarPath = join(work, 'evil.tar');
    await craftTar(tarPath, [{ name: '../evil.txt', data: 'evil' }]);
    const tarSize = (await stat(tarPath)).size;
    const forged = (path: string) =>
      JSON.stringify({ format: 'we-indexed-tar', version: 1, tarSize, members: [{ path, type: 'file', offset: 512, headerOffset: 0, size: 4, mode: 0o644, mtime: 0 }] });
    const dest = join(work, 'dest');
    await mkdir(dest);

    await writeFile(indexPathFor(tarPath), forged('evil.txt'));
    await expectWeError(extractMember(tarPath, 'evil.txt', dest), '"../evil.txt"', '".."');
    await writeFile(indexPathFor(tarPath), forged('../evil.txt'));
    await expectWeError(extractMember(tarPath, '../evil.txt', dest), '"../evil.txt"');
    expect(existsSync(join(work, 'evil.txt'))).toBe(false);
    expect(await readdir(dest)).toEqual([]);
  });

  it('will not extract through a symlink already in the destination', async () => {
    const src = join(work, 'src');
    await writeTree(src, { 'sub/file.txt': Buffer.from('data') });
    const tarPath = join(work, 'x.tar');
    await packDirectory(src, 'all', tarPath);
    const dest = join(work, 'dest');
    const outside = join(work, 'outside');
    await mkdir(dest);
    await mkdir(outside);
    await symlink(outside, join(dest, 'sub'));
    await expectWeError(extractMember(tarPath, 'sub/file.txt', dest), 'outside');
    expect(await readdir(outside)).toEqual([]);
  });
});

describe('atomic replacement', () => {
  it('never shows the final tar name until the tar is complete, and the index only after it', async () => {
    const src = join(work, 'src');
    await writeTree(src, { 'big/a.bin': randomBytes(24 << 20), 'big/b.bin': randomBytes(8 << 20) });
    const tarPath = join(work, 'out.tar');
    const temporary = `${tarPath}.tmp-${process.pid}`;
    let finished = false;
    let sawTemporary = false;
    let sawIndexWithoutTar = false;
    const finalSizesSeen: number[] = [];
    const packing = packDirectory(src, 'all', tarPath).finally(() => {
      finished = true;
    });
    while (!finished) {
      const names = await readdir(work);
      if (names.includes(`out.tar.tmp-${process.pid}`)) sawTemporary = true;
      if (names.includes('out.tar')) finalSizesSeen.push((await stat(tarPath)).size);
      if (names.includes('out.tar.idx.json') && !names.includes('out.tar')) sawIndexWithoutTar = true;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const index = await packing;
    expect(sawTemporary).toBe(true);
    expect(finalSizesSeen.every((size) => size === index.tarSize)).toBe(true);
    expect(sawIndexWithoutTar).toBe(false);
    expect(existsSync(temporary)).toBe(false);
    expect((await lstat(tarPath)).size).toBe(JSON.parse(await readFile(indexPathFor(tarPath), 'utf8')).tarSize);
  });

  it('leaves the previous tar and index readable when a re-pack fails, and cleans up its temporary file', async () => {
    const src = join(work, 'src');
    await writeTree(src, { 'a.txt': Buffer.from('first') });
    const tarPath = join(work, 'out.tar');
    await packDirectory(src, 'all', tarPath);
    await expectWeError(packDirectory(src, ['a.txt', 'missing.txt'], tarPath), '"missing.txt"', 'no such file');
    expect((await readMember(tarPath, 'a.txt')).toString()).toBe('first');
    expect((await readdir(work)).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('reads many members through one open IndexedTar', async () => {
    const src = join(work, 'src');
    await writeTree(src, TREE);
    const tarPath = join(work, 'x.tar');
    await packDirectory(src, 'all', tarPath);
    const tar = await IndexedTar.open(tarPath);
    try {
      for (const path of tar.paths()) expect((await tar.read(path)).equals(TREE[path])).toBe(true);
    } finally {
      await tar.close();
    }
  });
});
