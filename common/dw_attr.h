/* dw_attr.h - attributes every header uses the same way.
 *
 * DW_MUST_CHECK marks a function whose result decides what the caller may
 * do next (a parser, a loader, a verifier): ignoring it is a bug the
 * compiler reports. */
#ifndef DW_ATTR_H
#define DW_ATTR_H

#define DW_MUST_CHECK __attribute__((warn_unused_result))

#endif
