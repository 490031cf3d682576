// SPDX-License-Identifier: GPL-3.0-or-later
#include "services/store/databaseconfig.h"

#include "core/hexdigit.h"

#include <QDir>
#include <QStandardPaths>
#include <QStringDecoder>

using namespace Qt::StringLiterals;

namespace kassa::store {

namespace {

StoreError invalid(const QString &message)
{
    return StoreError::make(StoreError::Kind::InvalidConfig, message);
}

// Percent-decodes one part of the URL into UTF-8 text. Refuses a '%' not followed by two hex digits,
// an encoded NUL (libpq cannot take one) and bytes that are not UTF-8.
bool percentDecode(QStringView part, const QString &what, QString *out, StoreError *error)
{
    QByteArray bytes;
    bytes.reserve(part.size());
    for (qsizetype i = 0; i < part.size(); ++i) {
        if (part.at(i) != u'%') {
            // A run of literal text, converted at once so that surrogate pairs stay whole.
            qsizetype end = part.indexOf(u'%', i);
            if (end < 0)
                end = part.size();
            bytes += part.sliced(i, end - i).toUtf8();
            i = end - 1;
            continue;
        }
        const int high = i + 2 < part.size() ? hexDigitValue(part.at(i + 1).unicode()) : -1;
        const int low = i + 2 < part.size() ? hexDigitValue(part.at(i + 2).unicode()) : -1;
        if (high < 0 || low < 0) {
            *error = invalid(
                u"the %1 of the database URL has a '%' that is not followed by two hex digits"_s.arg(what));
            return false;
        }
        const char byte = static_cast<char>(high * 16 + low);
        if (byte == '\0') {
            *error = invalid(u"the %1 of the database URL contains an encoded NUL (%00)"_s.arg(what));
            return false;
        }
        bytes += byte;
        i += 2;
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder(bytes);
    if (decoder.hasError()) {
        *error = invalid(u"the %1 of the database URL is not valid UTF-8 once percent-decoded"_s.arg(what));
        return false;
    }
    *out = decoded;
    return true;
}

bool parsePort(const QString &text, int *port, StoreError *error)
{
    bool digits = !text.isEmpty() && text.size() <= 5;
    for (const QChar c : text)
        digits = digits && c >= u'0' && c <= u'9';
    const int value = digits ? text.toInt() : 0;
    if (value < 1 || value > 65535) {
        *error =
            invalid(u"the port of the database URL must be a number from 1 to 65535, not \"%1\""_s.arg(text));
        return false;
    }
    *port = value;
    return true;
}

// libpq parameters a URL may carry besides host, port, user and dbname. Everything else is refused: a
// typo must not silently turn TLS off.
bool isAllowedOption(const QString &key)
{
    static const QStringList allowed{
        u"sslmode"_s,    u"sslrootcert"_s,     u"sslcert"_s,          u"sslkey"_s,
        u"sslcrl"_s,     u"connect_timeout"_s, u"application_name"_s, u"target_session_attrs"_s,
        u"gssencmode"_s, u"channel_binding"_s};
    return allowed.contains(key);
}

bool parseHostPort(QStringView hostport, DatabaseConfig *config, StoreError *error)
{
    if (hostport.contains(u',')) {
        *error = invalid(u"the database URL names several hosts; Kassa connects to one"_s);
        return false;
    }
    QStringView host = hostport;
    QStringView port;
    if (hostport.startsWith(u'[')) {
        const qsizetype close = hostport.indexOf(u']');
        if (close < 0) {
            *error = invalid(u"the database URL has an IPv6 address without its closing ']'"_s);
            return false;
        }
        host = hostport.sliced(1, close - 1);
        const QStringView rest = hostport.sliced(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(u':')) {
                *error = invalid(u"the database URL has text after the IPv6 address that is not a port"_s);
                return false;
            }
            port = rest.sliced(1);
            if (port.isEmpty()) {
                *error = invalid(u"the database URL has a ':' but no port"_s);
                return false;
            }
        }
        config->host = host.toString();
    } else {
        const qsizetype colon = hostport.indexOf(u':');
        if (colon >= 0) {
            host = hostport.first(colon);
            port = hostport.sliced(colon + 1);
            if (port.isEmpty()) {
                *error = invalid(u"the database URL has a ':' but no port"_s);
                return false;
            }
        }
        if (!percentDecode(host, u"host"_s, &config->host, error))
            return false;
    }
    if (!port.isEmpty() && !parsePort(port.toString(), &config->port, error))
        return false;
    return true;
}

// libpq's keyword=value syntax: single quotes around the value, backslash before ' and \.
QString quoted(const QString &value)
{
    QString escaped = value;
    escaped.replace(u'\\', u"\\\\"_s).replace(u'\'', u"\\'"_s);
    return u'\'' + escaped + u'\'';
}

} // namespace

DatabaseConfig DatabaseConfig::sqlite(const QString &filePath)
{
    DatabaseConfig config;
    config.dialect = Dialect::Sqlite;
    config.sqlitePath = filePath;
    return config;
}

QString DatabaseConfig::defaultDataDir()
{
    const QString fromEnvironment = qEnvironmentVariable("KASSA_DATA_DIR");
    if (!fromEnvironment.isEmpty())
        return QDir::cleanPath(fromEnvironment);
    // Not AppDataLocation: that is named after the executable, and kassa and kassa-cli share one store.
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + u"/.local/share"_s;
    return dir + u"/kassa"_s;
}

QString DatabaseConfig::defaultSqlitePath()
{
    return defaultDataDir() + u"/kassa.sqlite"_s;
}

StoreResult<DatabaseConfig> DatabaseConfig::fromUrl(const QString &url, const QString &password)
{
    const QString text = url.trimmed();
    const qsizetype schemeEnd = text.indexOf(u"://"_s);
    const QString scheme = schemeEnd > 0 ? text.first(schemeEnd).toLower() : QString();
    if (scheme != u"postgresql"_s && scheme != u"postgres"_s) {
        if (schemeEnd <= 0)
            return invalid(
                u"\"%1\" is not a database URL: write postgresql://user@host:port/dbname (a till on "
                "its own needs no URL: it keeps a SQLite file in its data directory)"_s.arg(text));
        return invalid(
            u"database URLs with the scheme \"%1\" are not supported: write "
            "postgresql://user@host:port/dbname (SQLite needs no URL)"_s.arg(text.first(schemeEnd)));
    }
    QStringView rest = QStringView(text).sliced(schemeEnd + 3);
    if (rest.contains(u'#'))
        return invalid(u"the database URL must not contain a fragment ('#'); percent-encode it as %23"_s);
    for (const QChar c : rest) {
        if (c.isSpace() || c.unicode() < 0x20)
            return invalid(u"the database URL contains a space or control character; percent-encode it"_s);
    }

    DatabaseConfig config;
    config.dialect = Dialect::Postgres;
    StoreError error;

    QStringView query;
    if (const qsizetype q = rest.indexOf(u'?'); q >= 0) {
        query = rest.sliced(q + 1);
        rest = rest.first(q);
    }
    QStringView authority = rest;
    QStringView path;
    if (const qsizetype slash = rest.indexOf(u'/'); slash >= 0) {
        authority = rest.first(slash);
        path = rest.sliced(slash + 1);
    }
    QStringView hostport = authority;
    if (const qsizetype at = authority.lastIndexOf(u'@'); at >= 0) {
        const QStringView userinfo = authority.first(at);
        hostport = authority.sliced(at + 1);
        QStringView user = userinfo;
        if (const qsizetype colon = userinfo.indexOf(u':'); colon >= 0) {
            user = userinfo.first(colon);
            if (!percentDecode(userinfo.sliced(colon + 1), u"password"_s, &config.password, &error))
                return error;
        }
        if (!percentDecode(user, u"user name"_s, &config.user, &error))
            return error;
    }
    if (!parseHostPort(hostport, &config, &error))
        return error;
    if (path.contains(u'/'))
        return invalid(u"the database name in the URL contains '/'; percent-encode it as %2F"_s);
    if (!percentDecode(path, u"database name"_s, &config.databaseName, &error))
        return error;

    if (!query.isEmpty()) {
        for (const QStringView pair : query.split(u'&')) {
            if (pair.isEmpty())
                continue;
            const qsizetype equals = pair.indexOf(u'=');
            if (equals <= 0)
                return invalid(u"the database URL parameter \"%1\" has no value"_s.arg(pair.toString()));
            QString key;
            QString value;
            if (!percentDecode(pair.first(equals), u"parameter name"_s, &key, &error) ||
                !percentDecode(pair.sliced(equals + 1), u"parameter \"%1\""_s.arg(key), &value, &error))
                return error;
            if (key == u"host"_s) {
                if (value.contains(u','))
                    return invalid(u"the database URL names several hosts; Kassa connects to one"_s);
                config.host = value;
            } else if (key == u"port"_s) {
                if (!parsePort(value, &config.port, &error))
                    return error;
            } else if (key == u"user"_s) {
                config.user = value;
            } else if (key == u"dbname"_s) {
                config.databaseName = value;
            } else if (isAllowedOption(key)) {
                if (value.contains(u';'))
                    return invalid(u"the database URL parameter \"%1\" must not contain ';'"_s.arg(key));
                config.options.insert(key, value);
            } else {
                return invalid(
                    u"the database URL parameter \"%1\" is not supported (supported: host, port, user, "
                    "dbname, sslmode, sslrootcert, sslcert, sslkey, sslcrl, connect_timeout, "
                    "application_name, target_session_attrs, gssencmode, channel_binding)"_s.arg(key));
            }
        }
    }
    if (!password.isEmpty())
        config.password = password;
    return config;
}

QString DatabaseConfig::toDisplayString() const
{
    if (dialect == Dialect::Sqlite)
        return u"SQLite "_s + QDir::toNativeSeparators(sqlitePath);
    QString text = u"PostgreSQL "_s;
    if (!user.isEmpty())
        text += user + u'@';
    text += host.isEmpty() ? u"(default host)"_s : (host.contains(u':') ? u'[' + host + u']' : host);
    if (port > 0)
        text += u':' + QString::number(port);
    text += u'/' + (databaseName.isEmpty() ? u"(default database)"_s : databaseName);
    return text;
}

QString DatabaseConfig::libpqOptions() const
{
    QStringList parts;
    if (!options.contains(u"connect_timeout"_s))
        parts << u"connect_timeout=10"_s;
    if (!options.contains(u"application_name"_s))
        parts << u"application_name=kassa"_s;
    for (auto it = options.cbegin(); it != options.cend(); ++it)
        parts << it.key() + u'=' + quoted(it.value());
    return parts.join(u';');
}

} // namespace kassa::store
