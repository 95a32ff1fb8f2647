// No source file runs past 400 lines without saying why: a long file is where the next engineer
// loses the thread, so one over the limit carries a reason in its first comment ("Over 400
// lines because ..."), and a split that is natural is made instead. Tests and benchmarks are
// exempt: a suite reads as a list of cases, and splitting it only scatters them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const LIMIT = 400;
const REASON = 'Over 400 lines because';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const isTestOrBench = (path: string) => /\.(test|bench)\.tsx?$|\.e2e\.test\.tsx?$/.test(path);

/** The text of the file's first comment (a run of `//` lines or one block comment), or ''. */
function firstComment(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s*(\/\/|\/\*)/.test(l));
  if (start === -1) return '';
  if (/^\s*\/\*/.test(lines[start]!)) {
    const end = lines.findIndex((l, i) => i >= start && l.includes('*/'));
    return lines.slice(start, end === -1 ? undefined : end + 1).join('\n');
  }
  const run: string[] = [];
  for (const line of lines.slice(start)) {
    if (!/^\s*\/\//.test(line)) break;
    run.push(line);
  }
  return run.join('\n');
}

describe('source file size', () => {
  it(`names every non-test file over ${LIMIT} lines whose first comment gives no reason`, () => {
    const unexplained = ['apps', 'packages']
      .flatMap((group) => sourceFiles(join(ROOT, group)))
      .filter((path) => !isTestOrBench(path))
      .flatMap((path) => {
        const text = readFileSync(path, 'utf8');
        const lines = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
        if (lines <= LIMIT || firstComment(text).includes(REASON)) return [];
        return [`${relative(ROOT, path)} (${lines} lines)`];
      });
    expect(unexplained).toEqual([]);
  });

  it('reads the first comment, line or block', () => {
    expect(
      firstComment("import x from 'y';\n// Over 400 lines because a.\n// More.\nconst a = 1;\n"),
    ).toBe('// Over 400 lines because a.\n// More.');
    expect(firstComment('/**\n * Over 400 lines because b.\n */\nexport {};\n')).toContain(
      'because b',
    );
    expect(firstComment('const a = 1;\n')).toBe('');
  });
});
