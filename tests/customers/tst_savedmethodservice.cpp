// SPDX-License-Identifier: GPL-3.0-or-later
// SavedMethodService against the in-process simulator, on SQLite and PostgreSQL: attach (a test token),
// set default and detach go through the outbox, land in the store and in the audit log; a cashier and
// nobody are refused before anything is written; test tokens need a test key; a card saved on a
// setup-mode Checkout page (the customer's phone, played by a POST to the simulator's page) and one
// read on the simulated reader reach the store; a canceled QR code expires its session.
#include "services/customers/methodsetup.h"
#include "services/customers/savedmethodservice.h"
#include "services/security/auditlog.h"
#include "services/store/customerrepository.h"
#include "services/store/outboxrepository.h"
#include "services/store/paymentmethodrepository.h"
#include "services/store/storeingest.h"
#include "services/stripe/resources/checkoutsessions.h"
#include "services/stripe/resources/customers.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/sync/outbox.h"
#include "synctestsupport.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QNetworkReply>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;
using customers::MethodSetup;
using customers::SavedMethodOutcome;
using customers::SavedMethodService;

namespace {

const security::ActingUser Max{2, u"max"_s, Role::Manager, u"till-1"_s};
const security::ActingUser Cara{3, u"cara"_s, Role::Cashier, u"till-1"_s};

} // namespace

class TestSavedMethodService : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { store::test::addBackendData(); }
    void init();
    void cleanup();

    void attachDefaultDetach();
    void refusedBeforeAnythingIsSent();
    void testTokensNeedATestKey();
    void checkoutSetupSavesTheCard();
    void checkoutCancelExpiresTheSession();
    void readerSetupSavesTheCard();

private:
    SavedMethodOutcome run(const std::function<void(const SavedMethodService::Callback &)> &call);
    stripe::StripeResponse send(const stripe::StripeRequest &request);
    QString makeCustomer(const QString &name);
    QStringList storedMethods(const QString &customerId);
    QStringList auditActions();
    bool waitFor(MethodSetup &setup, MethodSetup::State state);

    std::unique_ptr<sync::test::SyncFixture> m_fixture;
    std::unique_ptr<sync::Outbox> m_outbox;
    std::unique_ptr<security::AuditLog> m_audit;
    std::unique_ptr<SavedMethodService> m_service;
};

void TestSavedMethodService::init()
{
    QFETCH_GLOBAL(QString, backend);
    m_fixture = std::make_unique<sync::test::SyncFixture>();
    QString message;
    bool skip = false;
    if (!m_fixture->setUp(backend, &message, &skip)) {
        if (skip)
            QSKIP(qPrintable(message));
        QFAIL(qPrintable(message));
    }
    m_outbox = std::make_unique<sync::Outbox>(*m_fixture->db, *m_fixture->client);
    m_audit = std::make_unique<security::AuditLog>(*m_fixture->db, u"till-1"_s);
    SavedMethodService::Options options;
    options.testMode = true;
    options.checkoutSuccessUrl = u"https://shop.example/saved"_s;
    options.pollInitialMs = 30;
    options.pollMaxMs = 150;
    m_service = std::make_unique<SavedMethodService>(*m_fixture->db, *m_fixture->client, *m_outbox, *m_audit,
                                                     options);
}

void TestSavedMethodService::cleanup()
{
    m_service.reset();
    m_audit.reset();
    m_outbox.reset();
    m_fixture.reset();
}

SavedMethodOutcome
TestSavedMethodService::run(const std::function<void(const SavedMethodService::Callback &)> &call)
{
    std::optional<SavedMethodOutcome> outcome;
    call([&outcome](const SavedMethodOutcome &o) { outcome = o; });
    if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 20'000)) {
        SavedMethodOutcome none;
        none.kind = SavedMethodOutcome::Kind::Unknown;
        none.message = u"no answer"_s;
        return none;
    }
    return *outcome;
}

stripe::StripeResponse TestSavedMethodService::send(const stripe::StripeRequest &request)
{
    std::optional<stripe::StripeResponse> response;
    m_fixture->client->send(request, this, [&response](const stripe::StripeResponse &r) { response = r; });
    if (!QTest::qWaitFor([&] { return response.has_value(); }, 20'000))
        return {};
    return response.value_or(stripe::StripeResponse{});
}

QString TestSavedMethodService::makeCustomer(const QString &name)
{
    stripe::Customers::Params params;
    params.name = name;
    params.email = name.toLower().replace(u' ', u'.') + u"@example.com"_s;
    const stripe::StripeResponse made = send(stripe::Customers::create(params));
    if (!made.ok())
        return {};
    // The store knows the customer as a backfill would have left it.
    if (!store::StoreIngest(*m_fixture->db).upsert(made.json, m_fixture->db->now()).ok())
        return {};
    return made.json.value(u"id"_s).toString();
}

QStringList TestSavedMethodService::storedMethods(const QString &customerId)
{
    QStringList ids;
    const auto methods = store::PaymentMethodRepository(*m_fixture->db).forCustomer(customerId);
    if (methods.ok()) {
        for (const store::PaymentMethodRow &row : methods.value())
            ids << row.id;
    }
    return ids;
}

QStringList TestSavedMethodService::auditActions()
{
    QStringList actions;
    const auto entries = m_audit->latest(0);
    if (entries.ok()) {
        for (const security::AuditEntry &entry : entries.value())
            actions << entry.action + u'/' + entry.details().value(u"outcome"_s).toString();
    }
    return actions;
}

bool TestSavedMethodService::waitFor(MethodSetup &setup, MethodSetup::State state)
{
    const bool reached = QTest::qWaitFor([&] { return setup.state() == state; }, 20'000);
    if (!reached)
        qWarning() << "setup is" << setup.state() << "not" << state << setup.message();
    return reached;
}

void TestSavedMethodService::attachDefaultDetach()
{
    const QString customer = makeCustomer(u"Jenny Rosen"_s);
    QVERIFY(!customer.isEmpty());

    const SavedMethodOutcome visa =
        run([&](const auto &done) { m_service->attach(Max, customer, u"pm_card_visa"_s, done); });
    QVERIFY2(visa.ok(), qPrintable(visa.message));
    QVERIFY(visa.sent);
    const QString visaId = visa.object.value(u"id"_s).toString();
    QVERIFY(visaId.startsWith(u"pm_"_s) && visaId != u"pm_card_visa"_s);
    QCOMPARE(visa.result.entry.op, QString::fromLatin1(sync::Outbox::OpAttachPaymentMethod));
    const SavedMethodOutcome mastercard =
        run([&](const auto &done) { m_service->attach(Max, customer, u"pm_card_mastercard"_s, done); });
    QVERIFY2(mastercard.ok(), qPrintable(mastercard.message));
    const QString mastercardId = mastercard.object.value(u"id"_s).toString();
    QCOMPARE(storedMethods(customer).size(), 2);

    const SavedMethodOutcome madeDefault =
        run([&](const auto &done) { m_service->setDefault(Max, customer, mastercardId, done); });
    QVERIFY2(madeDefault.ok(), qPrintable(madeDefault.message));
    const auto stored = store::CustomerRepository(*m_fixture->db).find(customer);
    QVERIFY(stored.ok() && stored.value().has_value());
    QCOMPARE(stored.value()->defaultPaymentMethodId, mastercardId);

    const SavedMethodOutcome detached = run([&](const auto &done) { m_service->detach(Max, visaId, done); });
    QVERIFY2(detached.ok(), qPrintable(detached.message));
    QCOMPARE(storedMethods(customer), QStringList{mastercardId});

    // A refusal by Stripe is an answer too: failed, audited, nothing stored.
    const SavedMethodOutcome unknownCustomer = run(
        [&](const auto &done) { m_service->attach(Max, u"cus_doesnotexist00"_s, u"pm_card_visa"_s, done); });
    QCOMPARE(unknownCustomer.kind, SavedMethodOutcome::Kind::Failed);
    QVERIFY(!unknownCustomer.message.isEmpty());

    QCOMPARE(auditActions(),
             (QStringList{u"method.attach/done"_s, u"method.attach/done"_s, u"method.set_default/done"_s,
                          u"method.detach/done"_s, u"method.attach/failed"_s}));
    const auto entries = m_audit->latest(0);
    QVERIFY(entries.ok());
    QCOMPARE(entries.value().first().userName, u"max"_s);
    QCOMPARE(entries.value().first().objectIds(), QStringList{visaId});
    QCOMPARE(entries.value().at(2).details().value(u"default_payment_method"_s).toString(), mastercardId);
    QVERIFY(m_audit->verify().value().intact);

    // Every call was an outbox row with its own key, and none is left to send.
    const auto unfinished = store::OutboxRepository(*m_fixture->db).listUnfinished();
    QVERIFY(unfinished.ok());
    QVERIFY(unfinished.value().isEmpty());
    QCOMPARE(store::OutboxRepository(*m_fixture->db).countInState(store::OutboxState::Done).valueOr(0), 4);
}

void TestSavedMethodService::refusedBeforeAnythingIsSent()
{
    const QString customer = makeCustomer(u"Walk In"_s);
    for (const security::ActingUser &who : {Cara, security::ActingUser{}}) {
        QVERIFY(!m_service->refusal(who).isEmpty());
        const SavedMethodOutcome attached =
            run([&](const auto &done) { m_service->attach(who, customer, u"pm_card_visa"_s, done); });
        QCOMPARE(attached.kind, SavedMethodOutcome::Kind::Refused);
        QVERIFY(!attached.sent);
        const SavedMethodOutcome detached =
            run([&](const auto &done) { m_service->detach(who, u"pm_123"_s, done); });
        QCOMPARE(detached.kind, SavedMethodOutcome::Kind::Refused);
        const SavedMethodOutcome madeDefault =
            run([&](const auto &done) { m_service->setDefault(who, customer, u"pm_123"_s, done); });
        QCOMPARE(madeDefault.kind, SavedMethodOutcome::Kind::Refused);
        QString why;
        QVERIFY(!m_service->startCheckout(who, customer, &why));
        QVERIFY(!why.isEmpty());
        QVERIFY(!m_service->startReader(who, customer, u"tmr_1"_s, &why));
    }
    QVERIFY2(m_service->refusal(Cara).contains(u"may not"_s), qPrintable(m_service->refusal(Cara)));
    QCOMPARE(store::OutboxRepository(*m_fixture->db).countInState(store::OutboxState::Pending).valueOr(-1),
             0);
    QCOMPARE(store::OutboxRepository(*m_fixture->db).countInState(store::OutboxState::Done).valueOr(-1), 0);
    QVERIFY(auditActions().isEmpty());
    QVERIFY(storedMethods(customer).isEmpty());

    // kassa-cli on a store without users: one operator, nobody logged in.
    SavedMethodService::Options options = m_service->options();
    options.singleOperator = true;
    m_service->setOptions(options);
    QVERIFY(m_service->refusal(security::ActingUser{}).isEmpty());
    QVERIFY(!m_service->refusal(Cara).isEmpty()); // a user who is named still needs the permission
    const SavedMethodOutcome attached = run([&](const auto &done) {
        m_service->attach(security::ActingUser{}, customer, u"pm_card_visa"_s, done);
    });
    QVERIFY2(attached.ok(), qPrintable(attached.message));
}

void TestSavedMethodService::testTokensNeedATestKey()
{
    const QString customer = makeCustomer(u"Live Shop"_s);
    SavedMethodService::Options options = m_service->options();
    options.testMode = false;
    m_service->setOptions(options);
    const SavedMethodOutcome refused =
        run([&](const auto &done) { m_service->attach(Max, customer, u"pm_card_visa"_s, done); });
    QCOMPARE(refused.kind, SavedMethodOutcome::Kind::Refused);
    QVERIFY(refused.message.contains(u"test"_s));
    QVERIFY(!SavedMethodService::testTokens().isEmpty());
    for (const SavedMethodService::TestToken &token : SavedMethodService::testTokens())
        QVERIFY(SavedMethodService::isTestToken(token.token));
    QVERIFY(!SavedMethodService::isTestToken(u"pm_1Q0PsIJvEtkwdCNYMSaVuRz6"_s));
}

void TestSavedMethodService::checkoutSetupSavesTheCard()
{
    const QString customer = makeCustomer(u"Phone Customer"_s);
    std::unique_ptr<MethodSetup> setup = m_service->startCheckout(Max, customer);
    QVERIFY(setup);
    setup->start();
    QVERIFY(waitFor(*setup, MethodSetup::State::WaitingForCustomer));
    QVERIFY(setup->url().isValid());
    QVERIFY(setup->sessionId().startsWith(u"cs_"_s));
    const stripe::StripeResponse session = send(stripe::CheckoutSessions::retrieve(setup->sessionId()));
    QCOMPARE(session.json.value(u"mode"_s).toString(), u"setup"_s);
    QCOMPARE(session.json.value(u"customer"_s).toString(), customer);

    // The customer picks the Mastercard on their phone.
    QCOMPARE(
        kassa::sync::test::postHostedForm(QUrl(setup->url().toString() + u"/pay"_s), "card=5555555555554444"),
        200);
    QVERIFY(waitFor(*setup, MethodSetup::State::Saved));
    const QString saved = setup->paymentMethod().value(u"id"_s).toString();
    QVERIFY(saved.startsWith(u"pm_"_s));
    QCOMPARE(setup->paymentMethod().value(u"card"_s).toObject().value(u"last4"_s).toString(), u"4444"_s);
    QCOMPARE(storedMethods(customer), QStringList{saved});
    QCOMPARE(auditActions(), (QStringList{u"method.setup_checkout/done"_s, u"method.add/"_s}));
}

void TestSavedMethodService::checkoutCancelExpiresTheSession()
{
    const QString customer = makeCustomer(u"Changed Mind"_s);
    std::unique_ptr<MethodSetup> setup = m_service->startCheckout(Max, customer);
    QVERIFY(setup);
    setup->start();
    QVERIFY(waitFor(*setup, MethodSetup::State::WaitingForCustomer));
    setup->cancel();
    QVERIFY(waitFor(*setup, MethodSetup::State::Canceled));
    const stripe::StripeResponse session = send(stripe::CheckoutSessions::retrieve(setup->sessionId()));
    QCOMPARE(session.json.value(u"status"_s).toString(), u"expired"_s);
    QVERIFY(storedMethods(customer).isEmpty());
    QCOMPARE(auditActions(),
             (QStringList{u"method.setup_checkout/done"_s, u"method.setup_checkout_expire/done"_s}));
}

void TestSavedMethodService::readerSetupSavesTheCard()
{
    const QString customer = makeCustomer(u"Counter Customer"_s);
    const stripe::StripeResponse readers = send(stripe::TerminalReaders::list());
    QVERIFY(readers.ok());
    const QString reader =
        readers.json.value(u"data"_s).toArray().first().toObject().value(u"id"_s).toString();
    QVERIFY(!reader.isEmpty());
    std::unique_ptr<MethodSetup> setup = m_service->startReader(Max, customer, reader);
    QVERIFY(setup);
    setup->start();
    QVERIFY(waitFor(*setup, MethodSetup::State::WaitingForReader));
    QVERIFY(setup->setupIntentId().startsWith(u"seti_"_s));
    const stripe::StripeResponse tapped =
        send(stripe::TerminalReaders::presentPaymentMethod(reader, u"378282246310005"_s));
    QVERIFY2(tapped.ok(), qPrintable(tapped.error.toString()));
    QVERIFY(waitFor(*setup, MethodSetup::State::Saved));
    const QString saved = setup->paymentMethod().value(u"id"_s).toString();
    QCOMPARE(setup->paymentMethod().value(u"type"_s).toString(), u"card"_s);
    QCOMPARE(setup->paymentMethod().value(u"card"_s).toObject().value(u"brand"_s).toString(), u"amex"_s);
    QCOMPARE(storedMethods(customer), QStringList{saved});
    QCOMPARE(auditActions(), (QStringList{u"method.setup_reader/done"_s, u"method.add/"_s}));
}

QTEST_MAIN(TestSavedMethodService)
#include "tst_savedmethodservice.moc"
