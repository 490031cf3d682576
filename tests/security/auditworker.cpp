// SPDX-License-Identifier: GPL-3.0-or-later
// kassa_auditworker: one till appending to the audit log, for tst_auditlog's two-process test. It opens
// (and migrates) the store --database names, prints {"ready": true}, waits for one line on stdin (so that
// a test can release two workers together), then appends --count entries, every third one inside a
// transaction that also writes a setting (as a service appending in its caller's transaction would), and
// prints {"ok": true, "appended": N} or {"ok": false, "error": "..."}.
#include "services/security/auditlog.h"
#include "services/store/database.h"
#include "services/store/databaseconfig.h"
#include "services/store/migrations.h"
#include "services/store/transaction.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <iostream>
#include <string>

using namespace Qt::StringLiterals;
using namespace kassa;

namespace {

int reply(const QJsonObject &object)
{
    const QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
    return object.value(u"ok"_s).toBool(true) ? 0 : 1;
}

int failure(const QString &why)
{
    return reply({{u"ok"_s, false}, {u"error"_s, why}});
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({{u"database"_s, u"PostgreSQL URL"_s, u"url"_s},
                       {u"till"_s, u"till id"_s, u"id"_s},
                       {u"count"_s, u"entries to append"_s, u"n"_s}});
    parser.process(app);
    const store::StoreResult<store::DatabaseConfig> config =
        store::DatabaseConfig::fromUrl(parser.value(u"database"_s));
    if (!config.ok())
        return failure(config.error().toString());
    store::DatabaseConfig settings = config.value();
    settings.busyTimeoutMs = 30'000;
    store::StoreResult<std::unique_ptr<store::Database>> opened = store::Database::open(settings);
    if (!opened.ok())
        return failure(opened.error().toString());
    store::Database &db = *opened.value();
    if (const store::StoreError migrated = store::Migrations::migrate(db); migrated.isError())
        return failure(migrated.toString());
    const QString till = parser.value(u"till"_s);
    const int count = parser.value(u"count"_s).toInt();
    security::AuditLog audit(db, till);
    const security::ActingUser actor{1, u"worker-"_s + till, Role::Cashier, till};

    reply({{u"ready"_s, true}});
    std::string go;
    std::getline(std::cin, go);

    for (int i = 0; i < count; ++i) {
        const QJsonObject details{{u"till"_s, till}, {u"n"_s, i}};
        store::StoreError error;
        if (i % 3 == 2) {
            error = store::Transaction::run(db, [&]() -> store::StoreError {
                const store::StoreResult<qint64> written =
                    db.exec(u"INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
                            u"ON CONFLICT "
                            "(key) DO UPDATE SET value = excluded.value"_s,
                            {QString(u"test."_s + till), QString::number(i), db.now(), till});
                if (!written.ok())
                    return written.error();
                return audit.record(actor, u"test.setting"_s, {u"setting:test."_s + till}, details);
            });
        } else {
            error = audit.record(actor, u"test.append"_s, {u"n:%1"_s.arg(i)}, details);
        }
        if (error.isError())
            return failure(u"entry %1: %2"_s.arg(i).arg(error.toString()));
    }
    return reply({{u"ok"_s, true}, {u"appended"_s, count}});
}
