// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The zstd dictionaries in services/store/jsondictionary/, built into the program by services/CMakeLists.txt
// (jsondictionaries.cpp is generated). For rawjson.cpp only.

#include <QtGlobal>

#include <span>

namespace kassa::store::rawjson::detail {

struct JsonDictionary
{
    quint32 id = 0;
    const unsigned char *bytes = nullptr;
    size_t size = 0;
};

std::span<const JsonDictionary> jsonDictionaries();
// The one new rows are written with (one of the above).
quint32 writeDictionaryId();

} // namespace kassa::store::rawjson::detail
