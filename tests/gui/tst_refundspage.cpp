// SPDX-License-Identifier: GPL-3.0-or-later
// The Refunds page over the demo shop (the in-process simulator behind it): a cashier asks for a refund
// through the request dialog, a manager approves it with their PIN and Stripe makes it; a manager
// rejects one with a reason; a cashier has no way to approve. Offscreen; the models are watched by
// QAbstractItemModelTester throughout.
#include "app/gui/models/refundrequestsmodel.h"
#include "app/gui/models/transactionsmodel.h"
#include "app/gui/pages/refunddialogs.h"
#include "app/gui/pages/refundspage.h"
#include "app/gui/pages/transactionspage.h"
#include "guitestsupport.h"
#include "services/refunds/refundrequestservice.h"
#include "services/store/paymentrepository.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::gui;
using store::RefundRequestRow;

class TestRefundsPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void cashierRequestsManagerApproves();
    void managerRejectsWithReason();
    void cashierCannotApprove();
    void requestDialogValidates();
    void transactionsPageAsksForTheSelectedPayment();

private:
    QString unrefundedPayment();
    QString pendingRequest(qint64 amount);
    const RefundRequestRow *historyRow(const QString &id) const;

    std::unique_ptr<test::DemoShop> m_demo;
    std::unique_ptr<RefundsPage> m_page;
    QStringList m_usedPayments;
};

void TestRefundsPage::initTestCase()
{
    m_demo = std::make_unique<test::DemoShop>(120);
    QString error;
    QVERIFY2(m_demo->startAndWait(&error), qPrintable(error));
    m_usedPayments << m_demo->pendingRefundPaymentId();
}

void TestRefundsPage::init()
{
    m_page = std::make_unique<RefundsPage>(m_demo->context(), m_demo->refundRequests());
    new QAbstractItemModelTester(m_page->queueModel(), QAbstractItemModelTester::FailureReportingMode::QtTest,
                                 m_page.get());
    new QAbstractItemModelTester(m_page->historyModel(),
                                 QAbstractItemModelTester::FailureReportingMode::QtTest, m_page.get());
    QVERIFY(test::showAndWait(m_page.get(), {1100, 700}));
}

void TestRefundsPage::cleanup()
{
    m_page.reset();
}

void TestRefundsPage::cleanupTestCase()
{
    m_demo.reset();
}

// A succeeded payment nobody refunded or asked to refund yet.
QString TestRefundsPage::unrefundedPayment()
{
    store::PaymentFilter filter;
    filter.statuses = {u"succeeded"_s};
    store::PageRequest request;
    request.limit = 100;
    const auto page = store::PaymentRepository(m_demo->database()).page(filter, request);
    if (!page.ok())
        return {};
    for (const store::PaymentRow &row : page.value().rows) {
        if (row.amountRefunded.minorUnits() == 0 && row.amountReceived.minorUnits() >= 1000 &&
            !m_usedPayments.contains(row.id)) {
            m_usedPayments << row.id;
            return row.id;
        }
    }
    return {};
}

// A cashier's pending request of `amount` minor units, made through the service.
QString TestRefundsPage::pendingRequest(qint64 amount)
{
    const QString pi = unrefundedPayment();
    if (pi.isEmpty())
        return {};
    std::optional<refunds::RefundRequestOutcome> out;
    m_demo->refundRequests().request(m_demo->logIn(u"cara"_s),
                                     {pi, amount, RefundReason::RequestedByCustomer, {}},
                                     [&out](const refunds::RefundRequestOutcome &o) { out = o; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 10'000) ||
        out->kind != refunds::RefundRequestOutcome::Kind::Pending)
        return {};
    return out->request.id;
}

const RefundRequestRow *TestRefundsPage::historyRow(const QString &id) const
{
    return m_page->historyModel()->request(m_page->historyModel()->rowOf(id));
}

void TestRefundsPage::cashierRequestsManagerApproves()
{
    const QString pi = unrefundedPayment();
    QVERIFY(!pi.isEmpty());
    const security::ActingUser cara = m_demo->logIn(u"cara"_s);
    QVERIFY(cara.isValid());
    m_page->setUser(cara);
    QVERIFY(m_page->requestButton()->isVisible());
    QVERIFY(m_page->requestButton()->minimumHeight() >= 44);

    // The dialog offers what is left of the payment; the cashier asks for part of it.
    m_page->openRequestDialog(pi);
    RefundRequestDialog *dialog = m_page->requestDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->refundable().has_value());
    const Money left = *dialog->refundable();
    QVERIFY(left.minorUnits() >= 1000);
    QCOMPARE(dialog->amountField()->text(), left.formatPlain(QLocale()));
    const Money part(left.minorUnits() - 500, left.currency());
    dialog->amountField()->setText(part.formatPlain(QLocale()));
    dialog->reasonBox()->setCurrentIndex(dialog->reasonBox()->findText(u"Duplicate payment"_s));
    dialog->noteField()->setPlainText(u"charged twice at the counter"_s);
    QTest::mouseClick(dialog->submitButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!m_page->requestDialog(), 10'000);

    // It waits in the queue, read-only for the cashier.
    QString id;
    for (int row = 0; row < m_page->queueModel()->rowCount(); ++row) {
        const RefundRequestRow *request = m_page->queueModel()->request(row);
        if (request->paymentIntentId == pi)
            id = request->id;
    }
    QVERIFY2(!id.isEmpty(), qPrintable(m_page->message()));
    const RefundRequestRow *queued = m_page->queueModel()->request(m_page->queueModel()->rowOf(id));
    QCOMPARE(queued->amount, part);
    QCOMPARE(queued->reason, u"duplicate"_s);
    QCOMPARE(queued->requestedBy, u"cara"_s);
    QCOMPARE(m_page->queueModel()
                 ->index(m_page->queueModel()->rowOf(id), RefundRequestsModel::Note)
                 .data()
                 .toString(),
             u"charged twice at the counter"_s);
    QVERIFY(!m_page->approveButton()->isVisible());

    // The manager approves it with their PIN; a wrong one first is refused and says so.
    m_page->setUser(m_demo->logIn(u"max"_s));
    QVERIFY(m_page->selectPending(id));
    QVERIFY(m_page->approveButton()->isVisible());
    QVERIFY(m_page->approveButton()->isEnabled());
    QVERIFY(m_page->approveButton()->height() >= 44);
    QTest::mouseClick(m_page->approveButton(), Qt::LeftButton);
    PinCheckDialog *pin = m_page->pinDialog();
    QVERIFY(pin);
    QTest::keyClicks(pin->pinField(), u"9999"_s);
    QTest::keyClick(pin->pinField(), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(!pin->isChecking(), 10'000);
    QVERIFY2(pin->message().contains(u"PIN"_s, Qt::CaseInsensitive), qPrintable(pin->message()));
    QVERIFY(pin->isVisible());
    QCOMPARE(m_page->queueModel()->request(m_page->queueModel()->rowOf(id))->state, u"pending"_s);
    QTest::keyClicks(pin->pinField(), u"2222"_s);
    QTest::keyClick(pin->pinField(), Qt::Key_Return);

    // Stripe refunds it; the history shows it succeeded, with the refund's id and who approved it.
    QTRY_VERIFY2_WITH_TIMEOUT(historyRow(id) && historyRow(id)->state == u"succeeded"_s,
                              qPrintable(m_page->message() + u" | "_s +
                                         (m_page->pinDialog() ? m_page->pinDialog()->message() : QString()) +
                                         u" | "_s + (historyRow(id) ? historyRow(id)->state : QString())),
                              15'000);
    QVERIFY(!m_page->pinDialog());
    QCOMPARE(m_page->queueModel()->rowOf(id), -1);
    const RefundRequestRow *done = historyRow(id);
    QVERIFY(done->refundId.startsWith(u"re_"_s));
    QCOMPARE(done->decidedBy, u"max"_s);
    const int row = m_page->historyModel()->rowOf(id);
    QCOMPARE(m_page->historyModel()->index(row, RefundRequestsModel::State).data().toString(), u"Refunded"_s);
    QVERIFY(m_page->historyModel()
                ->index(row, RefundRequestsModel::Outcome)
                .data()
                .toString()
                .contains(done->refundId));
    QVERIFY2(m_page->message().contains(done->refundId), qPrintable(m_page->message()));

    // The cashier sees it refunded among their own requests.
    m_page->setUser(cara);
    QVERIFY(m_page->onlyMineBox()->isChecked());
    QVERIFY(historyRow(id));
    QCOMPARE(historyRow(id)->state, u"succeeded"_s);
}

void TestRefundsPage::managerRejectsWithReason()
{
    const QString id = pendingRequest(700);
    QVERIFY(!id.isEmpty());
    m_page->setUser(m_demo->logIn(u"max"_s));
    QVERIFY(m_page->selectPending(id));
    QTest::mouseClick(m_page->rejectButton(), Qt::LeftButton);
    RejectDialog *dialog = m_page->rejectDialog();
    QVERIFY(dialog);
    // A reason is required: the button waits for one.
    QVERIFY(!dialog->rejectButton()->isEnabled());
    dialog->reasonField()->setPlainText(u"   "_s);
    QVERIFY(!dialog->rejectButton()->isEnabled());
    dialog->reasonField()->setPlainText(u"outside the 30-day return period"_s);
    QVERIFY(dialog->rejectButton()->isEnabled());
    QTest::mouseClick(dialog->rejectButton(), Qt::LeftButton);
    QTRY_VERIFY(!m_page->rejectDialog());

    QVERIFY(historyRow(id));
    QCOMPARE(historyRow(id)->state, u"rejected"_s);
    QCOMPARE(historyRow(id)->decisionReason, u"outside the 30-day return period"_s);
    const int row = m_page->historyModel()->rowOf(id);
    QCOMPARE(m_page->historyModel()->index(row, RefundRequestsModel::State).data().toString(), u"Rejected"_s);
    QCOMPARE(m_page->historyModel()->index(row, RefundRequestsModel::Outcome).data().toString(),
             u"By max: outside the 30-day return period"_s);
    QCOMPARE(m_page->queueModel()->rowOf(id), -1);
}

void TestRefundsPage::cashierCannotApprove()
{
    const QString id = pendingRequest(600);
    QVERIFY(!id.isEmpty());
    const security::ActingUser cara = m_demo->logIn(u"cara"_s);
    m_page->setUser(cara);
    // The queue is there to read, with no way to decide.
    QVERIFY(m_page->queueModel()->rowOf(id) >= 0);
    QVERIFY(m_page->selectPending(id));
    QVERIFY(!m_page->approveButton()->isVisible());
    QVERIFY(!m_page->rejectButton()->isVisible());
    QVERIFY(!m_page->canDecide());
    // Even when asked directly, the page refuses before any PIN is asked for...
    m_page->approveSelected();
    QVERIFY(!m_page->pinDialog());
    QVERIFY2(m_page->message().contains(u"manager"_s), qPrintable(m_page->message()));
    m_page->rejectSelected();
    QVERIFY(!m_page->rejectDialog());
    // An open dialog does not stay up when the page goes (the till locks).
    m_page->openRequestDialog();
    QVERIFY(m_page->requestDialog());
    m_page->hide();
    QTRY_VERIFY(!m_page->requestDialog());
    m_page->show();
    // ...and so does the service.
    std::optional<refunds::RefundRequestOutcome> out;
    m_demo->refundRequests().approve(cara, id, [&out](const refunds::RefundRequestOutcome &o) { out = o; });
    QTRY_VERIFY(out.has_value());
    QCOMPARE(out->kind, refunds::RefundRequestOutcome::Kind::Refused);
    m_page->refresh();
    QCOMPARE(m_page->queueModel()->request(m_page->queueModel()->rowOf(id))->state, u"pending"_s);
}

void TestRefundsPage::requestDialogValidates()
{
    m_page->setUser(m_demo->logIn(u"cara"_s));
    m_page->openRequestDialog();
    RefundRequestDialog *dialog = m_page->requestDialog();
    QVERIFY(dialog);
    const int queued = m_page->queueModel()->rowCount();

    QTest::mouseClick(dialog->submitButton(), Qt::LeftButton);
    QVERIFY2(dialog->message().contains(u"payment's id"_s), qPrintable(dialog->message()));

    dialog->paymentField()->setText(u"pi_doesnotexist"_s);
    QTest::mouseClick(dialog->submitButton(), Qt::LeftButton);
    QVERIFY(!dialog->message().isEmpty());
    QVERIFY(dialog->isVisible());

    // A payment whose whole amount is already asked for has nothing left.
    dialog->paymentField()->setText(m_demo->pendingRefundPaymentId());
    dialog->lookUpPayment();
    QVERIFY2(dialog->message().contains(u"already"_s), qPrintable(dialog->message()));

    const QString pi = unrefundedPayment();
    QVERIFY(!pi.isEmpty());
    dialog->paymentField()->setText(pi);
    dialog->lookUpPayment();
    QVERIFY(dialog->refundable().has_value());
    const Money left = *dialog->refundable();
    dialog->amountField()->setText(Money(left.minorUnits() + 100, left.currency()).formatPlain(QLocale()));
    QTest::mouseClick(dialog->submitButton(), Qt::LeftButton);
    QVERIFY2(dialog->message().contains(u"At most"_s), qPrintable(dialog->message()));
    dialog->amountField()->setText(u"0"_s);
    QTest::mouseClick(dialog->submitButton(), Qt::LeftButton);
    QVERIFY2(dialog->message().contains(u"more than zero"_s), qPrintable(dialog->message()));
    dialog->amountField()->setText(u"abc"_s);
    QTest::mouseClick(dialog->submitButton(), Qt::LeftButton);
    QVERIFY2(dialog->message().startsWith(u"Amount: "_s), qPrintable(dialog->message()));
    // "Other" needs a note.
    dialog->amountField()->setText(left.formatPlain(QLocale()));
    dialog->reasonBox()->setCurrentIndex(dialog->reasonBox()->count() - 1);
    QTest::mouseClick(dialog->submitButton(), Qt::LeftButton);
    QVERIFY2(dialog->message().contains(u"note"_s), qPrintable(dialog->message()));
    QVERIFY(dialog->isVisible());
    m_page->refresh();
    QCOMPARE(m_page->queueModel()->rowCount(), queued);
    dialog->reject();
}

void TestRefundsPage::transactionsPageAsksForTheSelectedPayment()
{
    TransactionsPage transactions(m_demo->database());
    QVERIFY(!transactions.refundButton()->isVisibleTo(&transactions));
    transactions.setRefundsEnabled(true);
    transactions.resize(900, 500);
    transactions.show();
    QVERIFY(QTest::qWaitForWindowExposed(&transactions));
    QVERIFY(transactions.refundButton()->isVisible());
    QVERIFY(!transactions.refundButton()->isEnabled());
    QTRY_VERIFY(transactions.model()->rowCount() > 0);
    transactions.table()->selectRow(0);
    QVERIFY(transactions.refundButton()->isEnabled());
    const QString pi = transactions.model()->index(0, 0).data(TransactionsModel::PaymentIdRole).toString();
    QVERIFY(pi.startsWith(u"pi_"_s));
    QSignalSpy requested(&transactions, &TransactionsPage::refundRequested);
    QTest::mouseClick(transactions.refundButton(), Qt::LeftButton);
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.first().first().toString(), pi);
}

QTEST_MAIN(TestRefundsPage)
#include "tst_refundspage.moc"
