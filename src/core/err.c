/*
 * err.c -- messages for the EN_* error codes declared in core.h.
 */
#include "core.h"

const char *en_strerror(int code)
{
    switch (code) {
    case EN_OK:
        return "ok";
#define EN__MSG(name, val, msg)                                                                    \
    case name:                                                                                     \
        return msg;
        EN_ERRNO_MAP(EN__MSG)
#undef EN__MSG
    default:
        return "unknown error";
    }
}
