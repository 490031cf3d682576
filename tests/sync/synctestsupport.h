// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the sync tests share: a migrated store on each backend (SQLite in a temporary directory,
// PostgreSQL when pg_virtualenv's PG* variables are set), an in-process simulator and a StripeClient
// pointed at it, and helpers that read the simulator's truth over HTTP.

#include "services/store/database.h"
#include "services/stripe/stripeclient.h"
#include "sim/simulator.h"
#include "storetestsupport.h"

#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>

#include <memory>

namespace kassa::sync::test {

inline constexpr auto TestApiKey = "sk_test_kassasynctests0123456789";

// Opens and migrates a store for `backend`; QSKIP/QFAIL through the returned status.
struct SyncFixture
{
    store::test::TestStore store;
    std::unique_ptr<store::Database> db;
    std::unique_ptr<sim::Simulator> simulator;
    QNetworkAccessManager network;
    std::unique_ptr<stripe::StripeClient> client;

    // False with `message` set; `skip` says whether to skip rather than fail.
    bool setUp(const QString &backend, QString *message, bool *skip);
    QUrl simUrl() const;
};

// A form POSTed to one of the simulator's hosted pages (Checkout, 3-D Secure) as the customer's browser or
// phone would post it, redirects not followed; the HTTP status (0 when nothing answered).
int postHostedForm(const QUrl &url, const QByteArray &form);

// Every object of a list endpoint of the simulator (all pages), faults or not; empty on failure.
QList<QJsonObject> listAll(stripe::StripeClient &client, const QString &path, const QStringList &expand = {});

} // namespace kassa::sync::test
