// SPDX-License-Identifier: GPL-3.0-or-later
// The Customers page (offscreen) against the in-process simulator on SQLite, with QAbstractItemModelTester
// over its two models: search; a manager saves a test card, makes another the default and removes one
// after confirming; a card saved on the setup Checkout page (completed on the simulator's side) and one
// tapped on the simulated reader show up; a cashier sees the methods read-only, and the service refuses them
// even when the dialog is reached anyway.
#include "app/gui/models/customersmodel.h"
#include "app/gui/models/paymentmethodsmodel.h"
#include "app/gui/pages/addmethoddialog.h"
#include "app/gui/pages/customerspage.h"
#include "app/gui/widgets/qrcodewidget.h"
#include "services/customers/methodsetup.h"
#include "services/customers/savedmethodservice.h"
#include "services/security/auditlog.h"
#include "services/store/storeingest.h"
#include "services/stripe/resources/customers.h"
#include "services/stripe/resources/terminalreaders.h"
#include "services/sync/outbox.h"
#include "synctestsupport.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QEventLoop>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkReply>
#include <QPushButton>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;
using gui::AddMethodDialog;
using gui::CustomersPage;
using gui::PaymentMethodsModel;

namespace {

const security::ActingUser Max{2, u"max"_s, Role::Manager, u"till-1"_s};
const security::ActingUser Cara{3, u"cara"_s, Role::Cashier, u"till-1"_s};

} // namespace

class TestCustomersPage : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void searchAndSelect();
    void testCardDefaultAndRemove();
    void qrCodeCompletedOnTheSimulator();
    void readerSavesTheTappedCard();
    void cashierIsRefused();

private:
    QString makeCustomer(const QString &name, const QString &email);
    AddMethodDialog *openDialog();
    bool saveTestCard(const QString &token);

    std::unique_ptr<sync::test::SyncFixture> m_fixture;
    std::unique_ptr<sync::Outbox> m_outbox;
    std::unique_ptr<security::AuditLog> m_audit;
    std::unique_ptr<customers::SavedMethodService> m_service;
    std::unique_ptr<CustomersPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_customersTester;
    std::unique_ptr<QAbstractItemModelTester> m_methodsTester;
    QString m_jenny;
};

void TestCustomersPage::init()
{
    m_fixture = std::make_unique<sync::test::SyncFixture>();
    QString message;
    bool skip = false;
    if (!m_fixture->setUp(u"sqlite"_s, &message, &skip)) {
        if (skip)
            QSKIP(qPrintable(message));
        QFAIL(qPrintable(message));
    }
    m_outbox = std::make_unique<sync::Outbox>(*m_fixture->db, *m_fixture->client);
    m_audit = std::make_unique<security::AuditLog>(*m_fixture->db, u"till-1"_s);
    customers::SavedMethodService::Options options;
    options.testMode = true;
    options.checkoutSuccessUrl = u"https://shop.example/saved"_s;
    options.pollInitialMs = 30;
    options.pollMaxMs = 150;
    m_service = std::make_unique<customers::SavedMethodService>(*m_fixture->db, *m_fixture->client, *m_outbox,
                                                                *m_audit, options);
    m_jenny = makeCustomer(u"Jenny Rosen"_s, u"jenny@example.com"_s);
    QVERIFY(!m_jenny.isEmpty());
    QVERIFY(!makeCustomer(u"Ann Example"_s, u"ann@example.com"_s).isEmpty());

    m_page = std::make_unique<CustomersPage>(*m_fixture->db, m_service.get());
    m_customersTester = std::make_unique<QAbstractItemModelTester>(
        m_page->customersModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_methodsTester = std::make_unique<QAbstractItemModelTester>(
        m_page->methodsModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_page->setUser(Max);
    m_page->resize(1100, 650);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestCustomersPage::cleanup()
{
    m_methodsTester.reset();
    m_customersTester.reset();
    m_page.reset();
    m_service.reset();
    m_audit.reset();
    m_outbox.reset();
    m_fixture.reset();
}

QString TestCustomersPage::makeCustomer(const QString &name, const QString &email)
{
    stripe::Customers::Params params;
    params.name = name;
    params.email = email;
    std::optional<stripe::StripeResponse> made;
    m_fixture->client->send(stripe::Customers::create(params), this,
                            [&made](const stripe::StripeResponse &r) { made = r; });
    if (!QTest::qWaitFor([&] { return made.has_value(); }, 10'000) || !made->ok())
        return {};
    if (!store::StoreIngest(*m_fixture->db).upsert(made->json, m_fixture->db->now()).ok())
        return {};
    return made->json.value(u"id"_s).toString();
}

AddMethodDialog *TestCustomersPage::openDialog()
{
    if (!m_page->addButton()->isEnabled())
        return nullptr;
    QTest::mouseClick(m_page->addButton(), Qt::LeftButton);
    AddMethodDialog *dialog = m_page->addDialog();
    return dialog && dialog->isVisible() ? dialog : nullptr;
}

bool TestCustomersPage::saveTestCard(const QString &token)
{
    AddMethodDialog *dialog = openDialog();
    if (!dialog || !dialog->testTokenBox())
        return false;
    const int before = m_page->methodsModel()->rowCount();
    dialog->testTokenBox()->setCurrentIndex(dialog->testTokenBox()->findData(token));
    QTest::mouseClick(dialog->saveTestCardButton(), Qt::LeftButton);
    const bool saved =
        QTest::qWaitFor([&] { return m_page->methodsModel()->rowCount() == before + 1; }, 20'000);
    if (!saved)
        qWarning() << "not saved:" << dialog->statusText();
    const bool said = dialog->statusText().startsWith(u"Saved"_s);
    dialog->reject();
    return saved && said;
}

void TestCustomersPage::searchAndSelect()
{
    QCOMPARE(m_page->customersModel()->rowCount(), 2);
    QVERIFY(!m_page->addButton()->isEnabled()); // nobody chosen yet
    QTest::keyClicks(m_page->searchField(), u"jenny"_s);
    QVERIFY(QTest::qWaitFor([&] { return m_page->customersModel()->rowCount() == 1; }, 5'000));
    QVERIFY(m_page->selectCustomer(m_jenny));
    QCOMPARE(m_page->selectedCustomerId(), m_jenny);
    QVERIFY(m_page->methodsTitle().contains(u"Jenny Rosen"_s));
    QVERIFY(m_page->addButton()->isEnabled());
    QVERIFY(!m_page->removeButton()->isEnabled()); // no method chosen
    QVERIFY(!m_page->searchField()->accessibleName().isEmpty());
    QVERIFY(!m_page->customersTable()->accessibleName().isEmpty());
    QVERIFY(!m_page->methodsTable()->accessibleName().isEmpty());
    m_page->searchField()->clear();
    QVERIFY(QTest::qWaitFor([&] { return m_page->customersModel()->rowCount() == 2; }, 5'000));
}

void TestCustomersPage::testCardDefaultAndRemove()
{
    QVERIFY(m_page->selectCustomer(m_jenny));
    QVERIFY(saveTestCard(u"pm_card_visa"_s));
    QVERIFY(saveTestCard(u"pm_card_mastercard"_s));
    PaymentMethodsModel *methods = m_page->methodsModel();
    QCOMPARE(methods->rowCount(), 2);
    QString visa;
    QString mastercard;
    for (int row = 0; row < methods->rowCount(); ++row) {
        const QString brand = methods->index(row, PaymentMethodsModel::BrandColumn).data().toString();
        const QString id = methods->index(row, 0).data(PaymentMethodsModel::PaymentMethodIdRole).toString();
        (brand == u"Visa"_s ? visa : mastercard) = id;
    }
    QVERIFY(!visa.isEmpty() && !mastercard.isEmpty());

    // Make the Mastercard the default.
    QVERIFY(m_page->selectMethod(mastercard));
    QVERIFY(m_page->defaultButton()->isEnabled());
    QTest::mouseClick(m_page->defaultButton(), Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return methods->defaultPaymentMethodId() == mastercard; }, 20'000));
    QVERIFY(m_page->selectMethod(mastercard));
    QVERIFY(!m_page->defaultButton()->isEnabled()); // already the default
    // The customers list knows the new default too (CustomersModel re-read in place).
    QVERIFY(m_page->selectCustomer(m_jenny));
    const QModelIndex jenny = m_page->customersTable()->selectionModel()->currentIndex();
    QCOMPARE(jenny.data(gui::CustomersModel::DefaultPaymentMethodIdRole).toString(), mastercard);

    // Remove the Visa: Cancel keeps it, Remove takes it off.
    QVERIFY(m_page->selectMethod(visa));
    QTest::mouseClick(m_page->removeButton(), Qt::LeftButton);
    QMessageBox *confirm = m_page->removeConfirmation();
    QVERIFY(confirm && confirm->isVisible());
    QVERIFY(confirm->text().contains(u"4242"_s));
    QCOMPARE(confirm->defaultButton(), confirm->button(QMessageBox::Cancel));
    QTest::mouseClick(confirm->button(QMessageBox::Cancel), Qt::LeftButton);
    QTest::qWait(50);
    QCOMPARE(methods->rowCount(), 2);
    QVERIFY(m_page->selectMethod(visa));
    QTest::mouseClick(m_page->removeButton(), Qt::LeftButton);
    confirm = m_page->removeConfirmation();
    QVERIFY(confirm && confirm->isVisible());
    QTest::mouseClick(confirm->button(QMessageBox::Yes), Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return methods->rowCount() == 1; }, 20'000));
    QCOMPARE(methods->index(0, 0).data(PaymentMethodsModel::PaymentMethodIdRole).toString(), mastercard);
    QVERIFY2(m_page->message().contains(u"removed"_s), qPrintable(m_page->message()));
}

void TestCustomersPage::qrCodeCompletedOnTheSimulator()
{
    QVERIFY(m_page->selectCustomer(m_jenny));
    AddMethodDialog *dialog = openDialog();
    QVERIFY(dialog);
    dialog->tabs()->setCurrentIndex(0); // QR code
    QVERIFY(dialog->qrButton()->isVisible());
    QTest::mouseClick(dialog->qrButton(), Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return dialog->qrCode()->isVisible() && dialog->qrCode()->isValid(); },
                            20'000));
    customers::MethodSetup *setup = dialog->currentSetup();
    QVERIFY(setup);
    QCOMPARE(dialog->qrCode()->text(), setup->url().toString());
    QVERIFY(dialog->cancelButton()->isVisible());
    QVERIFY(!dialog->tabs()->tabBar()->isEnabled()); // one way at a time

    QCOMPARE(
        kassa::sync::test::postHostedForm(QUrl(setup->url().toString() + u"/pay"_s), "card=4242424242424242"),
        200);
    QVERIFY(QTest::qWaitFor([&] { return m_page->methodsModel()->rowCount() == 1; }, 20'000));
    QVERIFY2(dialog->statusText().startsWith(u"Saved"_s), qPrintable(dialog->statusText()));
    QVERIFY(!dialog->qrCode()->isVisible());
    QCOMPARE(m_page->methodsModel()->index(0, PaymentMethodsModel::NumberColumn).data().toString().right(4),
             u"4242"_s);
    dialog->reject();
}

void TestCustomersPage::readerSavesTheTappedCard()
{
    QVERIFY(m_page->selectCustomer(m_jenny));
    AddMethodDialog *dialog = openDialog();
    QVERIFY(dialog);
    dialog->tabs()->setCurrentIndex(1); // Card reader
    QVERIFY(QTest::qWaitFor([&] { return dialog->readerBox()->count() > 0; }, 10'000));
    QVERIFY(dialog->readerButton()->isEnabled());
    QTest::mouseClick(dialog->readerButton(), Qt::LeftButton);
    QVERIFY(QTest::qWaitFor(
        [&] {
            return dialog->currentSetup() &&
                   dialog->currentSetup()->state() == customers::MethodSetup::State::WaitingForReader;
        },
        20'000));
    QVERIFY2(dialog->statusText().contains(u"reader"_s), qPrintable(dialog->statusText()));
    std::optional<stripe::StripeResponse> tapped;
    m_fixture->client->send(stripe::TerminalReaders::presentPaymentMethod(
                                dialog->readerBox()->currentData().toString(), u"5555555555554444"_s),
                            this, [&tapped](const stripe::StripeResponse &r) { tapped = r; });
    QVERIFY(QTest::qWaitFor([&] { return tapped.has_value(); }, 10'000));
    QVERIFY2(tapped->ok(), qPrintable(tapped->error.toString()));
    QVERIFY(QTest::qWaitFor([&] { return m_page->methodsModel()->rowCount() == 1; }, 20'000));
    QCOMPARE(m_page->methodsModel()->index(0, PaymentMethodsModel::BrandColumn).data().toString(),
             u"Mastercard"_s);
    dialog->reject();
}

void TestCustomersPage::cashierIsRefused()
{
    m_page->setUser(Cara);
    QVERIFY(m_page->selectCustomer(m_jenny));
    QVERIFY(!m_page->addButton()->isVisible());
    QVERIFY(!m_page->removeButton()->isVisible());
    QVERIFY(!m_page->defaultButton()->isVisible());
    // Reached anyway (a button left on by mistake): the service says no and nothing is saved.
    m_page->openAddDialog();
    AddMethodDialog *dialog = m_page->addDialog();
    QVERIFY(dialog);
    dialog->testTokenBox()->setCurrentIndex(dialog->testTokenBox()->findData(u"pm_card_visa"_s));
    QTest::mouseClick(dialog->saveTestCardButton(), Qt::LeftButton);
    QVERIFY(QTest::qWaitFor([&] { return dialog->statusText().startsWith(u"Not saved"_s); }, 10'000));
    QVERIFY2(dialog->statusText().contains(u"may not"_s), qPrintable(dialog->statusText()));
    QTest::mouseClick(dialog->qrButton(), Qt::LeftButton);
    QVERIFY(dialog->statusText().contains(u"may not"_s));
    QVERIFY(!dialog->currentSetup());
    dialog->reject();
    QCOMPARE(m_page->methodsModel()->rowCount(), 0);
}

QTEST_MAIN(TestCustomersPage)
#include "tst_customerspage.moc"
