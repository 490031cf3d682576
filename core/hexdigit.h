// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace kassa {

// The value of one hexadecimal digit (0-9, a-f, A-F), or -1 for any other character. For percent-encoded
// text and the four hex digits of JSON's \u escapes. A char above 0x7F (negative when char is signed) is no
// digit either.
constexpr int hexDigitValue(char32_t c)
{
    if (c >= U'0' && c <= U'9')
        return int(c - U'0');
    if (c >= U'a' && c <= U'f')
        return int(c - U'a') + 10;
    if (c >= U'A' && c <= U'F')
        return int(c - U'A') + 10;
    return -1;
}

static_assert(hexDigitValue('7') == 7 && hexDigitValue('b') == 11 && hexDigitValue('F') == 15);
static_assert(hexDigitValue('g') == -1 && hexDigitValue(char32_t(0xFFFFFF80)) == -1);

} // namespace kassa
