// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/rawjson.h"

#include "services/store/jsondictionaries.h"
#include "services/stripe/stripejson.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <memory>
#include <unordered_map>
#include <zstd.h>

using namespace Qt::StringLiterals;

namespace kassa::store::rawjson {

namespace {

// zstd's fastest level: at level 3 a PaymentIntent comes out 4 % smaller for 30 % more time.
constexpr int Level = 1;
// No raw object comes near this; a frame that claims more is damaged.
constexpr unsigned long long MaxJson = 64ull << 20;

// Every dictionary this build knows, digested once and shared by all threads (zstd's CDict and DDict are
// read-only once made).
class Dictionaries
{
public:
    Dictionaries()
    {
        for (const detail::JsonDictionary &dictionary : detail::jsonDictionaries()) {
            ZSTD_DDict *digested = ZSTD_createDDict(dictionary.bytes, dictionary.size);
            Q_ASSERT(digested);
            m_read.emplace(dictionary.id, digested);
            if (dictionary.id == detail::writeDictionaryId())
                m_write = ZSTD_createCDict(dictionary.bytes, dictionary.size, Level);
        }
        Q_ASSERT(m_write);
    }
    ~Dictionaries()
    {
        ZSTD_freeCDict(m_write);
        for (const auto &[id, digested] : m_read)
            ZSTD_freeDDict(digested);
    }
    Q_DISABLE_COPY_MOVE(Dictionaries)

    const ZSTD_CDict *write() const { return m_write; }
    const ZSTD_DDict *read(quint32 id) const
    {
        const auto it = m_read.find(id);
        return it == m_read.end() ? nullptr : it->second;
    }

private:
    ZSTD_CDict *m_write = nullptr;
    std::unordered_map<quint32, ZSTD_DDict *> m_read;
};

const Dictionaries &dictionaries()
{
    static const Dictionaries instance;
    return instance;
}

struct FreeCCtx
{
    void operator()(ZSTD_CCtx *context) const { ZSTD_freeCCtx(context); }
};
struct FreeDCtx
{
    void operator()(ZSTD_DCtx *context) const { ZSTD_freeDCtx(context); }
};

std::unique_ptr<ZSTD_CCtx, FreeCCtx> makeCompressor()
{
    std::unique_ptr<ZSTD_CCtx, FreeCCtx> context(ZSTD_createCCtx());
    // Every frame: the dictionary (its id in the frame says which dictionary reads it back), the
    // content size (unpack() allocates once) and a checksum of the JSON (4 bytes: a damaged row is an
    // error, not different JSON). The settings stay for every ZSTD_compress2() on this context.
    ZSTD_CCtx_refCDict(context.get(), dictionaries().write());
    ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 1);
    ZSTD_CCtx_setParameter(context.get(), ZSTD_c_contentSizeFlag, 1);
    ZSTD_CCtx_setParameter(context.get(), ZSTD_c_dictIDFlag, 1);
    return context;
}

ZSTD_CCtx *compressor()
{
    thread_local const std::unique_ptr<ZSTD_CCtx, FreeCCtx> context = makeCompressor();
    return context.get();
}

ZSTD_DCtx *decompressor()
{
    thread_local const std::unique_ptr<ZSTD_DCtx, FreeDCtx> context(ZSTD_createDCtx());
    return context.get();
}

StoreError unreadable(const QString &what, const QString &why)
{
    return StoreError::make(StoreError::Kind::InvalidData,
                            u"the stored JSON of %1 cannot be read: %2"_s.arg(what, why));
}

StoreResult<QJsonObject> parsed(const QByteArray &json, const QString &what)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return unreadable(what, error.errorString());
    if (!document.isObject())
        return unreadable(what, u"not a JSON object"_s);
    return document.object();
}

} // namespace

quint32 dictionaryId()
{
    return detail::writeDictionaryId();
}

QByteArray pack(const QJsonObject &object)
{
    return packText(stripe::StripeJson::compactUtf8(object));
}

QByteArray packText(QByteArrayView json)
{
    QByteArray frame(qsizetype(ZSTD_compressBound(size_t(json.size()))), Qt::Uninitialized);
    const size_t written =
        ZSTD_compress2(compressor(), frame.data(), size_t(frame.size()), json.data(), size_t(json.size()));
    // With a buffer of compressBound() only a failed allocation inside zstd can fail, as Qt's own
    // allocations would.
    Q_ASSERT(!ZSTD_isError(written));
    frame.truncate(ZSTD_isError(written) ? 0 : qsizetype(written));
    return frame;
}

StoreResult<QJsonObject> unpack(const QVariant &stored, const QString &what)
{
    if (stored.typeId() != QMetaType::QByteArray)
        return parsed(stored.toString().toUtf8(), what);
    const QByteArray frame = stored.toByteArray();
    if (frame.startsWith('{')) // JSON text the driver gave back as bytes
        return parsed(frame, what);
    const unsigned long long size = ZSTD_getFrameContentSize(frame.constData(), size_t(frame.size()));
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
        return unreadable(what, u"neither JSON nor a zstd frame"_s);
    if (size > MaxJson)
        return unreadable(what, u"a frame that claims %1 bytes"_s.arg(size));
    // Id 0: a frame without a dictionary.
    const quint32 id = ZSTD_getDictID_fromFrame(frame.constData(), size_t(frame.size()));
    const ZSTD_DDict *dictionary = id == 0 ? nullptr : dictionaries().read(id);
    if (id != 0 && !dictionary)
        return unreadable(what, u"written with dictionary %1, which this build does not have"_s.arg(id));
    QByteArray json(qsizetype(size), Qt::Uninitialized);
    const size_t read = dictionary
                            ? ZSTD_decompress_usingDDict(decompressor(), json.data(), size_t(json.size()),
                                                         frame.constData(), size_t(frame.size()), dictionary)
                            : ZSTD_decompressDCtx(decompressor(), json.data(), size_t(json.size()),
                                                  frame.constData(), size_t(frame.size()));
    if (ZSTD_isError(read))
        return unreadable(what, QString::fromLatin1(ZSTD_getErrorName(read)));
    if (read != size)
        return unreadable(what, u"the frame holds %1 of its %2 bytes"_s.arg(read).arg(size));
    return parsed(json, what);
}

} // namespace kassa::store::rawjson
