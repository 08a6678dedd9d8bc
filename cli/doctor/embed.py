#!/usr/bin/env python3
# embed.py IN OUT NAME: a C file defining `const char NAME[]` with IN's text,
# so the doctor compares with the very file the package installs.
import sys

src, dst, name = sys.argv[1:4]
with open(src, encoding='utf-8') as f:
    text = f.read()
with open(dst, 'w', encoding='utf-8') as f:
    f.write('/* generated from %s by embed.py: do not edit */\n' % src.split('/')[-1])
    f.write('#include "doctor.h"\nconst char %s[] =\n' % name)
    for line in text.splitlines(True):
        esc = line.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
        f.write('\t"%s"\n' % esc)
    f.write('\t"";\n')
