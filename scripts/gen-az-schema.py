#!/usr/bin/env python3
"""gen-az-schema.py - C tables of the request objects dockerd decodes.

Reads authz-plugin/schema/moby-fields.tsv (every JSON key of every request
struct, per dockerd release: see authz-plugin/schema/README.md) and
moby-versions.tsv, writes az_schema_gen.h and az_schema_gen.c:
  - per struct S ("container.HostConfig"): the schema az_schema_container_HostConfig
    (embedded structs' fields promoted the way encoding/json promotes them),
    an enum naming each field index (AZ_CONTAINER_HOSTCONFIG_BINDS), and a
    type az_type_container_HostConfig to walk a value of S with;
  - AZ_API_MAX: the newest API version of the releases listed.
Fails (exit 1, a message naming the line) on anything it cannot map exactly:
an unknown type, two fields one key folds to, an embedded struct missing.

usage: gen-az-schema.py FIELDS.tsv VERSIONS.tsv OUT.h OUT.c
"""
import re
import sys

SCALARS = {
    'bool': 'AZ_K_BOOL', 'string': 'AZ_K_STRING', 'float32': 'AZ_K_FLOAT', 'float64': 'AZ_K_FLOAT',
}
INTS = {'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64',
        'uintptr', 'byte', 'rune'}


def die(msg):
    sys.stderr.write('gen-az-schema: %s\n' % msg)
    sys.exit(1)


def vkey(v):
    return tuple(int(x) for x in v.split('.'))


def ident(s):
    return re.sub(r'[^A-Za-z0-9]', '_', s)


def read_tsv(path, ncols):
    rows = []
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) < ncols:
                die('%s:%d: want %d tab-separated columns, got %d' % (path, n, ncols, len(cols)))
            rows.append((n, [c.strip() for c in cols]))
    return rows


def fold(key):
    # encoding/json foldName: ASCII upper case; K (U+212A) and ſ (U+017F) fold to K and S
    out = key.upper()
    if not out.isascii():
        die('field key %r is not ASCII' % key)
    return out


class Struct:
    def __init__(self, name):
        self.name = name
        self.rows = []       # (line, key, type, since, until, source)


def main():
    if len(sys.argv) != 5:
        die('usage: gen-az-schema.py FIELDS.tsv VERSIONS.tsv OUT.h OUT.c')
    fields_tsv, versions_tsv, out_h, out_c = sys.argv[1:]

    structs = {}
    for n, c in read_tsv(fields_tsv, 6):
        sname, key, typ, since, until, source = c[:6]
        if not re.fullmatch(r'[A-Za-z0-9_.]+', sname):
            die('%s:%d: bad struct name %r' % (fields_tsv, n, sname))
        for v in (since,) + ((until,) if until != '-' else ()):
            if not re.fullmatch(r'1\.\d+', v):
                die('%s:%d: bad API version %r' % (fields_tsv, n, v))
        structs.setdefault(sname, Struct(sname)).rows.append((n, key, typ, since, until, source))

    releases = []
    for n, c in read_tsv(versions_tsv, 4):
        rel, api_max, api_min = c[:3]
        if not re.fullmatch(r'1\.\d+', api_max) or not re.fullmatch(r'1\.\d+', api_min):
            die('%s:%d: bad API version' % (versions_tsv, n))
        releases.append((rel, api_max, api_min))
    if not releases:
        die('%s: no releases' % versions_tsv)
    api_max = max((r[1] for r in releases), key=vkey)
    api_min = min((r[2] for r in releases), key=vkey)

    types = {}      # type expression -> C name
    type_defs = []  # emitted in dependency order

    def ctype(expr, where):
        if expr in types:
            return types[expr]
        if (expr in SCALARS or expr in INTS or expr in ('any', 'struct:{}') or
                expr.startswith('custom:')):
            kind = SCALARS.get(expr, 'AZ_K_INT' if expr in INTS else 'AZ_K_ANY')
            body = '{ .kind = %s }' % kind
        elif expr.startswith('[]'):
            elem = ctype(expr[2:], where)
            body = '{ .kind = AZ_K_ARRAY, .elem = &%s }' % elem
        elif expr.startswith('map[string]'):
            elem = ctype(expr[len('map[string]'):], where)
            body = '{ .kind = AZ_K_MAP, .elem = &%s }' % elem
        elif expr.startswith('struct:'):
            sub = expr[len('struct:'):]
            if sub not in structs:
                die('%s: struct %s is used but has no fields listed (a struct without '
                    'fields is listed as one line with key -)' % (where, sub))
            if flat[sub]:
                body = '{ .kind = AZ_K_STRUCT, .sub = &az_schema_%s }' % ident(sub)
            else:
                body = '{ .kind = AZ_K_ANY }'  # Go ignores every key of an empty struct
        else:
            die('%s: type %r is not one the generator knows' % (where, expr))
        name = 't%d' % len(type_defs)
        types[expr] = name
        type_defs.append((name, body, expr))
        return name

    def flatten(s, depth, stack):
        """(key -> (depth, row)) with embedded fields promoted, Go's shallowest-wins."""
        if s.name in stack:
            die('struct %s embeds itself' % s.name)
        out = {}
        for row in s.rows:
            n, key, typ, since, until, source = row
            if key == '-':
                continue  # a struct without fields: every key is ignored by Go
            if key == '*':
                if not typ.startswith('embed:'):
                    die('%s:%d: key * needs type embed:STRUCT' % (fields_tsv, n))
                inner = typ[len('embed:'):]
                if inner not in structs:
                    die('%s:%d: embedded struct %s has no fields listed' % (fields_tsv, n, inner))
                cand = flatten(structs[inner], depth + 1, stack + [s.name])
            else:
                cand = {fold(key): (depth, row)}
            for fk, (d, r) in cand.items():
                if fk in out:
                    od, orow = out[fk]
                    if d > od:
                        continue
                    if d == od:
                        typ = orow[2]
                        if typ != r[2]:
                            # retyped between releases (strslice.StrSlice -> []string):
                            # not walked, unless a struct is involved, which must be exact
                            if 'struct:' in typ + r[2] or 'embed:' in typ + r[2]:
                                die('%s:%d and %d: %s.%s listed twice with types %s and %s' %
                                    (fields_tsv, orow[0], r[0], s.name, r[1], typ, r[2]))
                            typ = 'any'
                        # the same field in several releases: widen its range
                        since = min(orow[3], r[3], key=vkey)
                        until = '-' if '-' in (orow[4], r[4]) else max(orow[4], r[4], key=vkey)
                        out[fk] = (d, (orow[0], orow[1], typ, since, until, orow[5]))
                        continue
                out[fk] = (d, r)
        return out

    flat = {name: flatten(s, 0, []) for name, s in structs.items()}
    nonempty = sorted(n for n in flat if flat[n])
    for name, fs in flat.items():
        if len(fs) > 128:
            die('struct %s has %d fields: raise AZ_SCHEMA_MAX_FIELDS' % (name, len(fs)))

    h = ['/* Generated by scripts/gen-az-schema.py from authz-plugin/schema/: do not edit. */',
         '#ifndef AZ_SCHEMA_GEN_H', '#define AZ_SCHEMA_GEN_H', '', '#include "az_schema.h"', '',
         '#define AZ_API_MAX "%s" /* newest API of the releases in moby-versions.tsv */' % api_max,
         '#define AZ_API_MIN "%s" /* oldest any of them serves */' % api_min, '']
    c = ['/* Generated by scripts/gen-az-schema.py from authz-plugin/schema/: do not edit. */',
         '#include "az_schema_gen.h"', '']
    for name in nonempty:
        h.append('extern const struct az_schema az_schema_%s;' % ident(name))
        h.append('extern const struct az_type az_type_%s;' % ident(name))
    h.append('')
    # field enums, in the order of the table (sorted by key: stable across edits)
    order = {}
    for name in nonempty:
        keys = sorted(flat[name].values(), key=lambda dr: dr[1][1])
        order[name] = keys
        pfx = 'AZ_' + ident(name).upper()
        h.append('enum az_fields_%s {' % ident(name))
        for i, (d, row) in enumerate(keys):
            h.append('\t%s_%s = %d,' % (pfx, ident(row[1]).upper(), i))
        h.append('\t%s__N = %d' % (pfx, len(keys)))
        h.append('};')
    h += ['', '#endif', '']

    body = []
    for name in nonempty:
        keys = order[name]
        sid = ident(name)
        body.append('static const struct az_field f_%s[] = {' % sid)
        for d, (n, key, typ, since, until, source) in keys:
            t = ctype(typ, '%s:%d' % (fields_tsv, n))
            body.append('\t{ .key = "%s", .type = &%s, .since = "%s", .until = %s }, /* %s */' %
                        (key, t, since, 'NULL' if until == '-' else '"%s"' % until, source))
        body.append('};')
        folded = sorted(range(len(keys)), key=lambda i: fold(keys[i][1][1]))
        body.append('static const char *const fold_%s[] = { %s };' %
                    (sid, ', '.join('"%s"' % fold(keys[i][1][1]) for i in folded)))
        body.append('static const uint16_t by_fold_%s[] = { %s };' %
                    (sid, ', '.join(str(i) for i in folded)))
        body.append('const struct az_schema az_schema_%s = { .name = "%s", .fields = f_%s, '
                    '.n = %d, .folded = fold_%s, .by_fold = by_fold_%s };' %
                    (sid, name, sid, len(keys), sid, sid))
        body.append('const struct az_type az_type_%s = { .kind = AZ_K_STRUCT, .sub = &az_schema_%s };'
                    % (sid, sid))
        body.append('')
    for name, tbody, expr in type_defs:
        c.append('static const struct az_type %s = %s; /* %s */' % (name, tbody, expr))
    c.append('')
    c += body
    with open(out_h, 'w') as f:
        f.write('\n'.join(h))
    with open(out_c, 'w') as f:
        f.write('\n'.join(c))


if __name__ == '__main__':
    main()
