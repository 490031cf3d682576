// SPDX-License-Identifier: GPL-3.0-or-later
// TransactionsModel over a SQLite store of a few thousand generated payments, with
// QAbstractItemModelTester (fatal) watching every change: paging reaches every row once and in order,
// rows written between fetches never show twice, refresh() inserts, updates and removes rows in place
// (no reset, selections kept), filters and sorts start over, amounts and the other columns are
// formatted (a two-decimal and a zero-decimal currency), and a broken store says so.
#include "app/gui/models/transactionsmodel.h"

#include "storetestsupport.h"

#include "services/store/chargerepository.h"
#include "services/store/customerrepository.h"
#include "services/store/migrations.h"
#include "services/store/paymentrepository.h"

#include "app/gui/models/backgroundreader.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QElapsedTimer>
#include <QPersistentModelIndex>
#include <QSet>
#include <QSignalSpy>
#include <QThread>

using namespace Qt::StringLiterals;
using namespace kassa;
using namespace kassa::gui;
using namespace kassa::store;
using namespace kassa::store::test;

namespace {

constexpr int PaymentCount = 3000;
constexpr qint64 FirstCreated = 1'700'000'000;

// Generated payment `i`: three payments a second (equal `created` values span page boundaries), ten
// distinct amounts (equal amounts too), every fifth one waiting for capture, every seventh in yen.
PaymentSpec generated(int i)
{
    return PaymentSpec{.id = u"pi_gen%1"_s.arg(i, 5, 10, QLatin1Char('0')),
                       .amount = 100 + (i % 10) * 250,
                       .currency = i % 7 == 0 ? u"jpy"_s : u"usd"_s,
                       .status = i % 5 == 0 ? u"requires_capture"_s : u"succeeded"_s,
                       .created = FirstCreated + i / 3,
                       .description = i % 11 == 0 ? u"Flat white and croissant"_s : u"Espresso"_s,
                       .cashier = i % 2 == 0 ? u"anna"_s : u"ben"_s};
}

// PaymentFilter has no default member initializers, so designated initializers would warn.
template<typename Set>
PaymentFilter makeFilter(Set set)
{
    PaymentFilter filter;
    set(filter);
    return filter;
}

PaymentFilter waitingForCapture()
{
    return makeFilter([](PaymentFilter &f) { f.statuses = {u"requires_capture"_s}; });
}

QStringList idsOf(const QAbstractItemModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, 0).data(TransactionsModel::PaymentIdRole).toString();
    return ids;
}

void fetchAll(QAbstractItemModel &model)
{
    int guard = 0;
    while (model.canFetchMore(QModelIndex()) && ++guard < 10'000)
        model.fetchMore(QModelIndex());
}

// Waits for the background reads to end; false after five seconds.
bool settled(const TransactionsModel &model)
{
    return QTest::qWaitFor([&model] { return !model.isLoading(); }, 5000);
}

// fetchAll() for a model that reads in the background: each page arrives later.
bool fetchAllInBackground(TransactionsModel &model)
{
    for (int guard = 0; guard < 10'000; ++guard) {
        if (!settled(model))
            return false;
        if (!model.canFetchMore(QModelIndex()))
            return true;
        model.fetchMore(QModelIndex());
    }
    return false;
}

} // namespace

class TestTransactionsModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void startsEmptyAndLoadsOnePage();
    void pagingReachesEveryRowOnce();
    void rowsWrittenBetweenFetchesDoNotRepeat();
    void refreshUpdatesInPlace();
    void refreshRemovesRowsThatLeaveTheFilter();
    void refreshMovesARowWhoseSortValueChanged();
    void refreshOfACompleteList();
    void filter();
    void sortByDateAndAmount_data();
    void sortByDateAndAmount();
    void otherColumnsAreNotSortable();
    void formatting_data();
    void formatting();
    void columnsAndRoles();
    void localeChangeReformats();
    void storeFailureIsReported();
    void backgroundReadsMatchTheStore();
    void quickSeriesEndsWithTheLast();
    void outdatedAnswerIsDropped();
    void backgroundFailureIsReported();
    void destroyedWhileReading();
    void interruptStopsARunningRead();
    void backgroundReadsOnPostgres();

private:
    void seed(int count);
    std::unique_ptr<TransactionsModel> makeModel();
    // The ids the repository itself lists for `filter`, in its order.
    QStringList storeOrder(const PaymentFilter &filter, SortKey key, Qt::SortOrder order);

    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<TransactionsModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestTransactionsModel::init()
{
    m_fixture = std::make_unique<TestStore>();
    QString message;
    QCOMPARE(m_fixture->create(u"sqlite"_s, &message), TestStore::Status::Ready);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestTransactionsModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
    m_db.reset();
    m_fixture.reset();
}

void TestTransactionsModel::seed(int count)
{
    QList<QJsonObject> objects;
    objects.reserve(count);
    for (int i = 0; i < count; ++i)
        objects << paymentIntent(generated(i));
    const StoreResult<BatchResult> written =
        PaymentRepository(*m_db).upsertMany(objects, FirstCreated + count);
    VERIFY_RESULT(written);
}

std::unique_ptr<TransactionsModel> TestTransactionsModel::makeModel()
{
    auto model = std::make_unique<TransactionsModel>(*m_db);
    model->setLocale(QLocale(QLocale::English, QLocale::UnitedStates));
    return model;
}

QStringList TestTransactionsModel::storeOrder(const PaymentFilter &filter, SortKey key, Qt::SortOrder order)
{
    QStringList ids;
    PageRequest request{.sort = key, .order = order, .limit = PageRequest::MaxLimit};
    for (;;) {
        const StoreResult<Page<PaymentRow>> page = PaymentRepository(*m_db).page(filter, request);
        if (!page.ok())
            return {u"<error>"_s};
        for (const PaymentRow &row : page.value().rows)
            ids << row.id;
        if (!page.value().hasMore())
            return ids;
        request.after = page.value().next;
    }
}

void TestTransactionsModel::startsEmptyAndLoadsOnePage()
{
    seed(500);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->totalCount(), 0);
    QVERIFY(!m_model->canFetchMore(QModelIndex()));

    QSignalSpy counted(m_model.get(), &TransactionsModel::totalCountChanged);
    m_model->reload();
    QCOMPARE(m_model->rowCount(), PagedTableModel::DefaultPageSize);
    QCOMPARE(m_model->totalCount(), 500);
    QCOMPARE(counted.count(), 1);
    QCOMPARE(counted.first().first().toLongLong(), 500);
    QVERIFY(m_model->canFetchMore(QModelIndex()));
    QVERIFY(m_model->errorString().isEmpty());
    // No children anywhere, and nothing to fetch below a row.
    QCOMPARE(m_model->rowCount(m_model->index(0, 0)), 0);
    QVERIFY(!m_model->canFetchMore(m_model->index(0, 0)));
}

void TestTransactionsModel::pagingReachesEveryRowOnce()
{
    seed(PaymentCount);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->setPageSize(170); // not a divisor of the total, and pages end inside runs of equal seconds
    m_model->reload();
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    int expectedRows = 170;
    while (m_model->canFetchMore(QModelIndex())) {
        QCOMPARE(m_model->rowCount(), expectedRows);
        m_model->fetchMore(QModelIndex());
        expectedRows = qMin(expectedRows + 170, PaymentCount);
    }
    QCOMPARE(m_model->rowCount(), PaymentCount);
    QCOMPARE(inserted.count(), (PaymentCount + 169) / 170 - 1);
    const QStringList ids = idsOf(*m_model);
    QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), PaymentCount);
    QCOMPARE(ids, storeOrder({}, SortKey::Created, Qt::DescendingOrder));
    // Newest first; equal seconds by id, descending.
    QCOMPARE(ids.first(), generated(PaymentCount - 1).id);
    QCOMPARE(ids.last(), u"pi_gen00000"_s);
    for (int row = 1; row < m_model->rowCount(); ++row)
        QVERIFY(m_model->index(row - 1, 0).data(TransactionsModel::CreatedRole).toLongLong() >=
                m_model->index(row, 0).data(TransactionsModel::CreatedRole).toLongLong());
}

void TestTransactionsModel::rowsWrittenBetweenFetchesDoNotRepeat()
{
    seed(PaymentCount);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->reload();
    m_model->fetchMore(QModelIndex());
    QCOMPARE(m_model->rowCount(), 400);
    const QString boundary = m_model->index(399, 0).data(TransactionsModel::PaymentIdRole).toString();

    // Sync writes: a new sale (newest), a payment in the loaded window, one beyond it, and an update of
    // a row not loaded yet.
    PaymentRepository payments(*m_db);
    VERIFY_RESULT(payments.upsert(
        paymentIntent({.id = u"pi_new_top"_s, .created = FirstCreated + PaymentCount}), FirstCreated + 9000));
    VERIFY_RESULT(payments.upsert(
        paymentIntent({.id = u"pi_new_window"_s, .created = FirstCreated + PaymentCount / 3 - 10}),
        FirstCreated + 9000));
    VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_new_beyond"_s, .created = FirstCreated + 5}),
                                  FirstCreated + 9000));
    VERIFY_RESULT(payments.upsert(paymentIntent(generated(10)), FirstCreated + 9001));

    fetchAll(*m_model);
    QStringList ids = idsOf(*m_model);
    QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), ids.size());
    QCOMPARE(ids.size(), PaymentCount + 1); // the one beyond the window, found by scrolling
    QVERIFY(ids.contains(u"pi_new_beyond"_s));
    QVERIFY(!ids.contains(u"pi_new_top"_s));
    QVERIFY(!ids.contains(u"pi_new_window"_s));
    QCOMPARE(ids.indexOf(boundary), 399);

    // refresh() brings the other two in where they belong.
    m_model->refresh();
    ids = idsOf(*m_model);
    QCOMPARE(ids.size(), PaymentCount + 3);
    QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), ids.size());
    QCOMPARE(ids, storeOrder({}, SortKey::Created, Qt::DescendingOrder));
    QCOMPARE(m_model->totalCount(), PaymentCount + 3);
}

void TestTransactionsModel::refreshUpdatesInPlace()
{
    seed(PaymentCount);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->reload();
    m_model->fetchMore(QModelIndex());
    m_model->fetchMore(QModelIndex());
    QCOMPARE(m_model->rowCount(), 600);
    // What a view holds on to: the selected row, and the row at the top of the viewport.
    const QPersistentModelIndex selected(m_model->index(450, TransactionsModel::StatusColumn));
    const QString selectedId = selected.data(TransactionsModel::PaymentIdRole).toString();
    int changedRow = 100;
    while (m_model->index(changedRow, 0).data(TransactionsModel::StatusRole).toString() !=
           u"requires_capture"_s)
        ++changedRow;
    const QString changedId = m_model->index(changedRow, 0).data(TransactionsModel::PaymentIdRole).toString();
    QCOMPARE(m_model->index(changedRow, 0).data(TransactionsModel::StatusRole).toString(),
             u"requires_capture"_s);

    // Capture the payment at row 100 and add two new ones: one newest, one among rows 500-600.
    PaymentRepository payments(*m_db);
    const int changedIndex = changedId.mid(6).toInt();
    PaymentSpec captured = generated(changedIndex);
    captured.status = u"succeeded"_s;
    VERIFY_RESULT(payments.upsert(paymentIntent(captured), FirstCreated + 9000));
    VERIFY_RESULT(payments.upsert(
        paymentIntent({.id = u"pi_new_top"_s, .created = FirstCreated + PaymentCount}), FirstCreated + 9000));
    const qint64 inWindow = m_model->index(550, 0).data(TransactionsModel::CreatedRole).toLongLong();
    VERIFY_RESULT(
        payments.upsert(paymentIntent({.id = u"pi_new_window"_s, .created = inWindow}), FirstCreated + 9000));

    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy counted(m_model.get(), &TransactionsModel::totalCountChanged);
    m_model->refresh();

    QCOMPARE(reset.count(), 0);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0); // the newest, at the top
    QCOMPARE(m_model->rowCount(), 602);
    QVERIFY(selected.isValid());
    QCOMPARE(selected.data(TransactionsModel::PaymentIdRole).toString(), selectedId);
    QCOMPARE(selected.row(), 451 + (idsOf(*m_model).indexOf(u"pi_new_window"_s) < 451 ? 1 : 0));
    QCOMPARE(changed.count(), 1);
    const int newRow = changedRow + 1;
    QCOMPARE(m_model->index(newRow, 0).data(TransactionsModel::PaymentIdRole).toString(), changedId);
    QVERIFY(changed.first().at(0).value<QModelIndex>().row() <= newRow);
    QVERIFY(changed.first().at(1).value<QModelIndex>().row() >= newRow);
    QCOMPARE(m_model->index(newRow, TransactionsModel::StatusColumn).data().toString(), u"Succeeded"_s);
    QCOMPARE(idsOf(*m_model), storeOrder({}, SortKey::Created, Qt::DescendingOrder).mid(0, 602));
    QCOMPARE(counted.count(), 1);
    QCOMPARE(m_model->totalCount(), PaymentCount + 2);
    // Fetching goes on after the window, without repeating a row.
    fetchAll(*m_model);
    const QStringList ids = idsOf(*m_model);
    QCOMPARE(ids, storeOrder({}, SortKey::Created, Qt::DescendingOrder));

    // Nothing changed since: refresh() says nothing at all.
    QSignalSpy anything(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->refresh();
    QCOMPARE(anything.count(), 0);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(idsOf(*m_model), ids);
}

void TestTransactionsModel::refreshRemovesRowsThatLeaveTheFilter()
{
    seed(PaymentCount);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->setFilter(waitingForCapture());
    QCOMPARE(m_model->totalCount(), PaymentCount / 5);
    m_model->fetchMore(QModelIndex());
    QCOMPARE(m_model->rowCount(), 400);
    const QPersistentModelIndex kept(m_model->index(300, 0));
    const QString keptId = kept.data(TransactionsModel::PaymentIdRole).toString();

    // Capture three of the loaded payments (two adjacent): they leave "waiting for capture".
    PaymentRepository payments(*m_db);
    QStringList capturedIds;
    for (const int row : {10, 11, 200}) {
        const QString id = m_model->index(row, 0).data(TransactionsModel::PaymentIdRole).toString();
        capturedIds << id;
        PaymentSpec spec = generated(id.mid(6).toInt());
        spec.status = u"succeeded"_s;
        VERIFY_RESULT(payments.upsert(paymentIntent(spec), FirstCreated + 9000));
    }
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    m_model->refresh();
    QCOMPARE(removed.count(), 2); // rows 10-11 together, 200 alone
    QCOMPARE(m_model->rowCount(), 397);
    QCOMPARE(m_model->totalCount(), PaymentCount / 5 - 3);
    for (const QString &id : capturedIds)
        QVERIFY(!idsOf(*m_model).contains(id));
    QCOMPARE(kept.data(TransactionsModel::PaymentIdRole).toString(), keptId);
    QCOMPARE(kept.row(), 297);
    fetchAll(*m_model);
    QCOMPARE(idsOf(*m_model), storeOrder(waitingForCapture(), SortKey::Created, Qt::DescendingOrder));
}

void TestTransactionsModel::refreshMovesARowWhoseSortValueChanged()
{
    // Payments still waiting for a method can change amount: sorted by amount, such a row moves.
    PaymentRepository payments(*m_db);
    for (int i = 0; i < 50; ++i) {
        VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_open%1"_s.arg(i, 2, 10, QLatin1Char('0')),
                                                     .amount = 1000 + i * 10,
                                                     .status = u"requires_payment_method"_s,
                                                     .created = FirstCreated + i}),
                                      FirstCreated));
    }
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->setPageSize(20);
    m_model->sort(TransactionsModel::AmountColumn, Qt::AscendingOrder);
    m_model->fetchMore(QModelIndex());
    QCOMPARE(m_model->rowCount(), 40);
    const QPersistentModelIndex watched(m_model->index(5, 0));
    QCOMPARE(watched.data(TransactionsModel::PaymentIdRole).toString(), u"pi_open05"_s);

    // pi_open05 becomes the dearest of the loaded ones: from row 5 to row 38.
    VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_open05"_s,
                                                 .amount = 1385,
                                                 .status = u"requires_payment_method"_s,
                                                 .created = FirstCreated + 5}),
                                  FirstCreated + 100));
    QSignalSpy layout(m_model.get(), &QAbstractItemModel::layoutChanged);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_model->refresh();
    QCOMPARE(reset.count(), 0);
    QCOMPARE(layout.count(), 1);
    QCOMPARE(watched.data(TransactionsModel::PaymentIdRole).toString(), u"pi_open05"_s);
    QCOMPARE(watched.row(), 38);
    QCOMPARE(watched.data(TransactionsModel::AmountMinorUnitsRole).toLongLong(), 1385);
    fetchAll(*m_model);
    QCOMPARE(idsOf(*m_model), storeOrder({}, SortKey::Amount, Qt::AscendingOrder));
}

void TestTransactionsModel::refreshOfACompleteList()
{
    seed(150);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->setPageSize(100);
    m_model->reload();
    fetchAll(*m_model);
    QCOMPARE(m_model->rowCount(), 150);
    QVERIFY(!m_model->canFetchMore(QModelIndex()));

    // 300 new payments older than all: the list grows by one page, the rest comes by scrolling.
    QList<QJsonObject> older;
    for (int i = 0; i < 300; ++i)
        older << paymentIntent(
            {.id = u"pi_old%1"_s.arg(i, 3, 10, QLatin1Char('0')), .created = FirstCreated - 1 - i});
    VERIFY_RESULT(PaymentRepository(*m_db).upsertMany(older, FirstCreated + 9000));
    m_model->refresh();
    QCOMPARE(m_model->rowCount(), 250);
    QVERIFY(m_model->canFetchMore(QModelIndex()));
    fetchAll(*m_model);
    QCOMPARE(idsOf(*m_model), storeOrder({}, SortKey::Created, Qt::DescendingOrder));

    // An empty list refreshes into a loaded one.
    m_model->setFilter(makeFilter([](PaymentFilter &f) { f.cashier = u"nobody"_s; }));
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->totalCount(), 0);
    VERIFY_RESULT(PaymentRepository(*m_db).upsert(
        paymentIntent({.id = u"pi_nobody"_s, .cashier = u"nobody"_s}), FirstCreated + 9000));
    m_model->refresh();
    QCOMPARE(idsOf(*m_model), QStringList{u"pi_nobody"_s});
    QCOMPARE(m_model->totalCount(), 1);
}

void TestTransactionsModel::filter()
{
    seed(PaymentCount);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->reload();
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);

    const PaymentFilter croissants = makeFilter([](PaymentFilter &f) { f.text = u"croissant"_s; });
    m_model->setFilter(croissants);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(m_model->totalCount(), (PaymentCount + 10) / 11);
    fetchAll(*m_model);
    QCOMPARE(m_model->rowCount(), (PaymentCount + 10) / 11);
    for (int row = 0; row < m_model->rowCount(); ++row)
        QCOMPARE(m_model->index(row, TransactionsModel::DescriptionColumn).data().toString(),
                 u"Flat white and croissant"_s);

    const PaymentFilter combined = makeFilter([](PaymentFilter &f) {
        f.currency = u"jpy"_s;
        f.cashier = u"anna"_s;
    });
    m_model->setFilter(combined);
    fetchAll(*m_model);
    QCOMPARE(idsOf(*m_model), storeOrder(combined, SortKey::Created, Qt::DescendingOrder));
    QCOMPARE(m_model->totalCount(), m_model->rowCount());
    for (int row = 0; row < m_model->rowCount(); ++row) {
        QCOMPARE(m_model->index(row, 0).data(TransactionsModel::CurrencyRole).toString(), u"jpy"_s);
        QCOMPARE(m_model->index(row, TransactionsModel::CashierColumn).data().toString(), u"anna"_s);
    }

    m_model->setFilter(makeFilter([](PaymentFilter &f) {
        f.amountMin = 2000;
        f.amountMax = 2100;
    }));
    QCOMPARE(m_model->totalCount(), PaymentCount / 10 * 1); // 100 + 8*250 = 2100
    QCOMPARE(m_model->index(0, 0).data(TransactionsModel::AmountMinorUnitsRole).toLongLong(), 2100);

    m_model->setFilter({});
    QCOMPARE(m_model->totalCount(), PaymentCount);
    QCOMPARE(m_model->filter().isEmpty(), true);
}

void TestTransactionsModel::sortByDateAndAmount_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::newRow("date, oldest first") << int(TransactionsModel::DateColumn) << Qt::AscendingOrder;
    QTest::newRow("amount, largest first") << int(TransactionsModel::AmountColumn) << Qt::DescendingOrder;
    QTest::newRow("amount, smallest first") << int(TransactionsModel::AmountColumn) << Qt::AscendingOrder;
}

void TestTransactionsModel::sortByDateAndAmount()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    seed(PaymentCount);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->reload();
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_model->sort(column, order);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(m_model->sortColumn(), column);
    QCOMPARE(m_model->sortOrder(), order);
    QCOMPARE(m_model->rowCount(), PagedTableModel::DefaultPageSize);
    fetchAll(*m_model);
    const SortKey key = column == TransactionsModel::AmountColumn ? SortKey::Amount : SortKey::Created;
    QCOMPARE(idsOf(*m_model), storeOrder({}, key, order));
    const int role =
        key == SortKey::Amount ? TransactionsModel::AmountMinorUnitsRole : TransactionsModel::CreatedRole;
    for (int row = 1; row < m_model->rowCount(); ++row) {
        const qint64 previous = m_model->index(row - 1, column).data(role).toLongLong();
        const qint64 current = m_model->index(row, column).data(role).toLongLong();
        QVERIFY(order == Qt::AscendingOrder ? previous <= current : previous >= current);
    }
    // The same sort again (a view re-applies it when sorting is switched on) reads nothing.
    m_model->sort(column, order);
    QCOMPARE(reset.count(), 1);
}

void TestTransactionsModel::otherColumnsAreNotSortable()
{
    seed(300);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->reload();
    const QStringList before = idsOf(*m_model);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    for (int column = 0; column < TransactionsModel::ColumnCount; ++column) {
        const bool sortable =
            column == TransactionsModel::DateColumn || column == TransactionsModel::AmountColumn;
        QCOMPARE(TransactionsModel::isSortable(column), sortable);
        if (!sortable)
            m_model->sort(column, Qt::AscendingOrder);
    }
    QCOMPARE(reset.count(), 0);
    QCOMPARE(m_model->sortColumn(), int(TransactionsModel::DateColumn));
    QCOMPARE(m_model->sortOrder(), Qt::DescendingOrder);
    QCOMPARE(idsOf(*m_model), before);
}

void TestTransactionsModel::formatting_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QString>("currency");
    QTest::addColumn<qint64>("amount");
    QTest::addColumn<qint64>("refunded");
    QTest::addColumn<QString>("amountText");
    QTest::addColumn<QString>("refundedText");
    QTest::addColumn<QString>("status");
    QTest::newRow("usd en_US") << u"en_US"_s << u"usd"_s << qint64(123450) << qint64(0) << u"$1,234.50"_s
                               << QString() << u"Succeeded"_s;
    QTest::newRow("usd en_US, part refunded") << u"en_US"_s << u"usd"_s << qint64(1250) << qint64(250)
                                              << u"$12.50"_s << u"$2.50"_s << u"Partially refunded"_s;
    QTest::newRow("jpy en_US (zero-decimal)") << u"en_US"_s << u"jpy"_s << qint64(1200) << qint64(1200)
                                              << u"¥1,200"_s << u"¥1,200"_s << u"Refunded"_s;
    QTest::newRow("jpy ja_JP") << u"ja_JP"_s << u"jpy"_s << qint64(98000) << qint64(0) << u"\uffe598,000"_s
                               << QString() << u"Succeeded"_s;
    QTest::newRow("eur de_DE") << u"de_DE"_s << u"eur"_s << qint64(123450) << qint64(5)
                               << u"1.234,50\u00a0€"_s << u"0,05\u00a0€"_s << u"Partially refunded"_s;
}

void TestTransactionsModel::formatting()
{
    QFETCH(QString, locale);
    QFETCH(QString, currency);
    QFETCH(qint64, amount);
    QFETCH(qint64, refunded);
    QFETCH(QString, amountText);
    QFETCH(QString, refundedText);
    QFETCH(QString, status);
    VERIFY_RESULT(ChargeRepository(*m_db).upsert(
        charge({.id = u"ch_1"_s, .paymentIntent = u"pi_1"_s, .amount = amount, .amountRefunded = refunded}),
        FirstCreated));
    QJsonObject json =
        paymentIntent({.id = u"pi_1"_s, .amount = amount, .currency = currency, .latestCharge = u"ch_1"_s});
    VERIFY_RESULT(PaymentRepository(*m_db).upsert(json, FirstCreated));

    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->setLocale(QLocale(locale));
    m_model->reload();
    QCOMPARE(m_model->rowCount(), 1);
    QCOMPARE(m_model->index(0, TransactionsModel::AmountColumn).data().toString(), amountText);
    QCOMPARE(m_model->index(0, TransactionsModel::RefundedColumn).data().toString(), refundedText);
    QCOMPARE(m_model->index(0, TransactionsModel::StatusColumn).data().toString(), status);
    QCOMPARE(m_model->index(0, 0).data(TransactionsModel::AmountMinorUnitsRole).toLongLong(), amount);
    QCOMPARE(m_model->index(0, 0).data(TransactionsModel::RefundedMinorUnitsRole).toLongLong(), refunded);
    QCOMPARE(m_model->index(0, 0).data(TransactionsModel::CurrencyRole).toString(), currency);
    const auto right = (Qt::AlignRight | Qt::AlignVCenter).toInt();
    QCOMPARE(m_model->index(0, TransactionsModel::AmountColumn).data(Qt::TextAlignmentRole).toInt(), right);
    QCOMPARE(m_model->index(0, TransactionsModel::RefundedColumn).data(Qt::TextAlignmentRole).toInt(), right);
    QCOMPARE(
        m_model->headerData(TransactionsModel::AmountColumn, Qt::Horizontal, Qt::TextAlignmentRole).toInt(),
        right);
}

void TestTransactionsModel::columnsAndRoles()
{
    CustomerRepository customers(*m_db);
    VERIFY_RESULT(
        customers.upsert(customer(u"cus_jenny"_s, u"Jenny Rosen"_s, u"jenny@example.com"_s), FirstCreated));
    VERIFY_RESULT(customers.upsert(customer(u"cus_anon"_s, QString(), u"anon@example.com"_s), FirstCreated));
    VERIFY_RESULT(ChargeRepository(*m_db).upsert(
        charge({.id = u"ch_visa"_s, .paymentIntent = u"pi_card"_s, .brand = u"visa"_s, .last4 = u"4242"_s}),
        FirstCreated));
    PaymentRepository payments(*m_db);
    VERIFY_RESULT(payments.upsert(paymentIntent({.id = u"pi_card"_s,
                                                 .amount = 2599,
                                                 .created = FirstCreated + 30,
                                                 .customer = u"cus_jenny"_s,
                                                 .description = u"Two flat whites"_s,
                                                 .cashier = u"anna"_s,
                                                 .latestCharge = u"ch_visa"_s}),
                                  FirstCreated));
    QJsonObject declined = paymentIntent({.id = u"pi_declined"_s,
                                          .amount = 500,
                                          .status = u"requires_payment_method"_s,
                                          .created = FirstCreated + 20,
                                          .customer = u"cus_anon"_s});
    declined.insert(u"last_payment_error"_s,
                    QJsonObject{{u"type"_s, u"card_error"_s},
                                {u"code"_s, u"card_declined"_s},
                                {u"decline_code"_s, u"insufficient_funds"_s},
                                {u"message"_s, u"Your card has insufficient funds."_s}});
    VERIFY_RESULT(payments.upsert(declined, FirstCreated));
    VERIFY_RESULT(payments.upsert(
        paymentIntent({.id = u"pi_capture"_s, .status = u"requires_capture"_s, .created = FirstCreated + 10}),
        FirstCreated));

    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->reload();
    QCOMPARE(idsOf(*m_model), (QStringList{u"pi_card"_s, u"pi_declined"_s, u"pi_capture"_s}));
    QCOMPARE(m_model->columnCount(), int(TransactionsModel::ColumnCount));

    const auto cell = [this](int row, int column, int role = Qt::DisplayRole) {
        return m_model->index(row, column).data(role);
    };
    const QLocale english(QLocale::English, QLocale::UnitedStates);
    QCOMPARE(cell(0, TransactionsModel::DateColumn).toString(),
             english.toString(QDateTime::fromSecsSinceEpoch(FirstCreated + 30).toLocalTime(),
                              QLocale::ShortFormat));
    QCOMPARE(cell(0, TransactionsModel::DateColumn, TransactionsModel::RawValueRole).toLongLong(),
             FirstCreated + 30);
    QCOMPARE(cell(0, TransactionsModel::MethodColumn).toString(),
             u"Visa\u00a0\u2022\u2022\u2022\u2022\u00a04242"_s);
    QCOMPARE(cell(0, TransactionsModel::CustomerColumn).toString(), u"Jenny Rosen"_s);
    QCOMPARE(cell(0, TransactionsModel::CustomerColumn, Qt::ToolTipRole).toString(),
             u"Jenny Rosen <jenny@example.com>"_s);
    QCOMPARE(cell(0, TransactionsModel::DescriptionColumn).toString(), u"Two flat whites"_s);
    QCOMPARE(cell(0, TransactionsModel::CashierColumn).toString(), u"anna"_s);
    QCOMPARE(cell(0, TransactionsModel::StatusColumn).toString(), u"Succeeded"_s);
    QCOMPARE(cell(0, 0, TransactionsModel::ToneRole).toInt(), int(PaymentTone::Success));
    QCOMPARE(cell(0, 3, TransactionsModel::PaymentIdRole).toString(), u"pi_card"_s);
    QCOMPARE(cell(0, 3, TransactionsModel::CustomerIdRole).toString(), u"cus_jenny"_s);
    QCOMPARE(cell(0, 3, TransactionsModel::StatusRole).toString(), u"succeeded"_s);
    QCOMPARE(m_model->paymentAt(0).latestChargeId, u"ch_visa"_s);

    // No name: the email. Declined: the words, the tone, and what to tell the customer.
    QCOMPARE(cell(1, TransactionsModel::CustomerColumn).toString(), u"anon@example.com"_s);
    QCOMPARE(cell(1, TransactionsModel::StatusColumn).toString(), u"Declined"_s);
    QCOMPARE(cell(1, 0, TransactionsModel::ToneRole).toInt(), int(PaymentTone::Failed));
    QVERIFY(!cell(1, TransactionsModel::StatusColumn, Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(cell(1, TransactionsModel::MethodColumn).toString(), QString());
    QCOMPARE(cell(1, TransactionsModel::RefundedColumn).toString(), QString());

    QCOMPARE(cell(2, TransactionsModel::StatusColumn).toString(), u"Authorized, not captured"_s);
    QCOMPARE(cell(2, 0, TransactionsModel::ToneRole).toInt(), int(PaymentTone::Pending));
    QCOMPARE(cell(2, TransactionsModel::CustomerColumn).toString(), QString());

    QCOMPARE(m_model->headerData(TransactionsModel::MethodColumn, Qt::Horizontal).toString(), u"Method"_s);
    QVERIFY(!m_model->headerData(0, Qt::Vertical).isValid());
    QVERIFY(m_model->flags(m_model->index(0, 0)).testFlag(Qt::ItemIsSelectable));
    QVERIFY(!m_model->flags(m_model->index(0, 0)).testFlag(Qt::ItemIsEditable));
    QCOMPARE(m_model->roleNames().value(TransactionsModel::PaymentIdRole), QByteArray("paymentId"));
}

void TestTransactionsModel::localeChangeReformats()
{
    VERIFY_RESULT(PaymentRepository(*m_db).upsert(
        paymentIntent({.id = u"pi_1"_s, .amount = 123450, .currency = u"eur"_s}), FirstCreated));
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_model->reload();
    QCOMPARE(m_model->index(0, TransactionsModel::AmountColumn).data().toString(), u"€1,234.50"_s);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->setLocale(QLocale(u"de_DE"_s));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m_model->index(0, TransactionsModel::AmountColumn).data().toString(), u"1.234,50\u00a0€"_s);
}

void TestTransactionsModel::storeFailureIsReported()
{
    seed(1000);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy errors(m_model.get(), &TransactionsModel::errorOccurred);
    m_model->reload();
    QCOMPARE(errors.count(), 0);
    QCOMPARE(m_model->rowCount(), 200);

    // The table goes missing under the model (a damaged or foreign database file behaves alike).
    VERIFY_STORE(m_db->execDirect(u"ALTER TABLE payments RENAME TO payments_away"_s));

    // A failed fetch: the rows stay, the model says why and stops asking.
    m_model->fetchMore(QModelIndex());
    QCOMPARE(errors.count(), 1);
    QVERIFY(errors.first().first().toString().contains(u"payments"_s));
    QCOMPARE(m_model->errorString(), errors.first().first().toString());
    QCOMPARE(m_model->rowCount(), 200);
    QVERIFY(!m_model->canFetchMore(QModelIndex()));

    // A failed refresh keeps what is shown.
    m_model->refresh();
    QCOMPARE(errors.count(), 2);
    QCOMPARE(m_model->rowCount(), 200);

    // A failed reload: an empty table, and the reason.
    m_model->reload();
    QCOMPARE(errors.count(), 3);
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->totalCount(), 0);
    QVERIFY(!m_model->errorString().isEmpty());
    QVERIFY(!m_model->canFetchMore(QModelIndex()));

    // Repaired: the next reload reads again and forgets the error.
    VERIFY_STORE(m_db->execDirect(u"ALTER TABLE payments_away RENAME TO payments"_s));
    m_db->clearStatementCache();
    m_model->reload();
    QCOMPARE(errors.count(), 3);
    QCOMPARE(m_model->rowCount(), 200);
    QCOMPARE(m_model->totalCount(), 1000);
    QVERIFY(m_model->errorString().isEmpty());

    // A fetch that failed resumes after refresh(), without losing the loaded rows.
    VERIFY_STORE(m_db->execDirect(u"ALTER TABLE payments RENAME TO payments_away"_s));
    m_model->fetchMore(QModelIndex());
    QCOMPARE(errors.count(), 4);
    VERIFY_STORE(m_db->execDirect(u"ALTER TABLE payments_away RENAME TO payments"_s));
    m_db->clearStatementCache();
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    m_model->refresh();
    QCOMPARE(reset.count(), 0);
    QVERIFY(m_model->canFetchMore(QModelIndex()));
    fetchAll(*m_model);
    QCOMPARE(m_model->rowCount(), 1000);
    QCOMPARE(errors.count(), 4);
}

void TestTransactionsModel::backgroundReadsMatchTheStore()
{
    seed(1000);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(m_model->readInBackground(m_db->config()));
    QSignalSpy loading(m_model.get(), &TransactionsModel::loadingChanged);
    m_model->reload();
    // reload() returns at once; the rows and the total follow.
    QVERIFY(m_model->isLoading());
    QCOMPARE(m_model->rowCount(), 0);
    QVERIFY(settled(*m_model));
    QCOMPARE(loading.count(), 2);
    QCOMPARE(m_model->rowCount(), 200);
    QCOMPARE(m_model->totalCount(), 1000);
    // Scrolling pages through the same thread, to the end, in the store's order.
    QVERIFY(fetchAllInBackground(*m_model));
    const PaymentFilter all;
    QCOMPARE(idsOf(*m_model), storeOrder(all, SortKey::Created, Qt::DescendingOrder));

    // A filter and a sort: the rows shown stay until the new ones arrive.
    m_model->setFilter(waitingForCapture());
    QCOMPARE(m_model->rowCount(), 1000);
    QVERIFY(m_model->isReloading());
    QVERIFY(!m_model->canFetchMore(QModelIndex()));
    QVERIFY(settled(*m_model));
    QCOMPARE(m_model->totalCount(), 200);
    m_model->sort(TransactionsModel::AmountColumn, Qt::AscendingOrder);
    QVERIFY(settled(*m_model));
    QVERIFY(fetchAllInBackground(*m_model));
    QCOMPARE(idsOf(*m_model), storeOrder(waitingForCapture(), SortKey::Amount, Qt::AscendingOrder));

    // refresh() stays on the GUI thread and keeps rows in place.
    m_model->refresh();
    QVERIFY(!m_model->isLoading());
    QCOMPARE(m_model->rowCount(), 200);
}

void TestTransactionsModel::quickSeriesEndsWithTheLast()
{
    seed(PaymentCount);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(m_model->readInBackground(m_db->config()));
    m_model->reload();
    QVERIFY(settled(*m_model));
    // As typing gives them: each one replaces the one before before it has answered.
    const QStringList texts{u"cro"_s, u"croi"_s, u"croissant"_s, u"espr"_s, u"white"_s};
    PaymentFilter last;
    for (const QString &text : texts) {
        last = makeFilter([&text](PaymentFilter &f) { f.text = text; });
        m_model->setFilter(last);
    }
    QVERIFY(settled(*m_model));
    QCOMPARE(m_model->filter().text, u"white"_s);
    const QStringList expected = storeOrder(last, SortKey::Created, Qt::DescendingOrder);
    QCOMPARE(m_model->totalCount(), qint64(expected.size()));
    QVERIFY(fetchAllInBackground(*m_model));
    QCOMPARE(idsOf(*m_model), expected);
}

void TestTransactionsModel::outdatedAnswerIsDropped()
{
    seed(1000);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(m_model->readInBackground(m_db->config()));
    // The search for "croissant" is slow; the cashier's, asked while it runs, is not.
    m_model->setReadHookForTests([](const PaymentFilter &filter) {
        if (filter.text == u"croissant"_s)
            QThread::msleep(400);
        return StoreError();
    });
    m_model->reload();
    QVERIFY(settled(*m_model));
    QSignalSpy resets(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy totals(m_model.get(), &TransactionsModel::totalCountChanged);
    m_model->setFilter(makeFilter([](PaymentFilter &f) { f.text = u"croissant"_s; }));
    QTest::qWait(100); // the slow read has started
    const PaymentFilter anna = makeFilter([](PaymentFilter &f) { f.cashier = u"anna"_s; });
    m_model->setFilter(anna);
    QVERIFY(settled(*m_model));
    QTest::qWait(50); // anything still queued would arrive now
    // One reset, with the cashier's rows: the croissants' answer, which came later, never showed.
    QCOMPARE(resets.count(), 1);
    QCOMPARE(totals.count(), 1);
    QCOMPARE(totals.first().first().toLongLong(), 500);
    QCOMPARE(m_model->totalCount(), 500);
    QCOMPARE(idsOf(*m_model), storeOrder(anna, SortKey::Created, Qt::DescendingOrder).mid(0, 200));
}

void TestTransactionsModel::backgroundFailureIsReported()
{
    seed(500);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(m_model->readInBackground(m_db->config()));
    m_model->reload();
    QVERIFY(settled(*m_model));
    QSignalSpy errors(m_model.get(), &TransactionsModel::errorOccurred);
    m_model->setReadHookForTests([](const PaymentFilter &) {
        return StoreError::make(StoreError::Kind::Busy, u"the store is locked"_s);
    });
    m_model->setFilter(waitingForCapture());
    QVERIFY(settled(*m_model));
    QCOMPARE(errors.count(), 1);
    QVERIFY(m_model->errorString().contains(u"the store is locked"_s));
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(m_model->totalCount(), 0);
    QVERIFY(!m_model->canFetchMore(QModelIndex()));
    // It reads again, and forgets the error.
    m_model->setReadHookForTests({});
    m_model->reload();
    QVERIFY(settled(*m_model));
    QVERIFY(m_model->errorString().isEmpty());
    QCOMPARE(m_model->totalCount(), 100);
}

void TestTransactionsModel::destroyedWhileReading()
{
    seed(500);
    m_model = makeModel();
    QVERIFY(m_model->readInBackground(m_db->config()));
    m_model->setReadHookForTests([](const PaymentFilter &) {
        QThread::msleep(300);
        return StoreError();
    });
    m_model->reload();
    m_model->setFilter(waitingForCapture()); // queued behind the running read: dropped
    QTest::qWait(50);
    QElapsedTimer timer;
    timer.start();
    m_model.reset();
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QTest::qWait(400); // no answer arrives for the destroyed model
}

void TestTransactionsModel::interruptStopsARunningRead()
{
    // A read without end, on a connection of its own in a thread of its own, interrupted from here.
    std::atomic<Database *> reader{nullptr};
    std::atomic<bool> done{false};
    std::atomic<bool> afterwards{true};
    std::atomic<bool> cleared{false};
    StoreError failure;
    const DatabaseConfig config = m_db->config();
    std::unique_ptr<QThread> thread(QThread::create([&] {
        StoreResult<std::unique_ptr<Database>> opened = Database::open(config);
        if (!opened.ok()) {
            failure = opened.error();
            done = true;
            return;
        }
        std::unique_ptr<Database> db = std::move(opened).value();
        reader = db.get();
        const StoreResult<QVariant> n = db->queryValue(
            u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n"_s);
        failure = n.ok() ? StoreError() : n.error();
        // Whatever comes next is refused as well, until the interrupt is cleared.
        afterwards = db->queryValue(u"SELECT 1"_s).ok();
        db->clearInterrupt();
        cleared = db->queryValue(u"SELECT 1"_s).ok();
        reader = nullptr;
        done = true;
    }));
    thread->start();
    QVERIFY(QTest::qWaitFor([&] { return reader.load() != nullptr || done.load(); }, 5000));
    QTest::qWait(100);
    QElapsedTimer timer;
    timer.start();
    if (Database *db = reader.load())
        db->interrupt();
    QVERIFY(QTest::qWaitFor([&] { return done.load(); }, 5000));
    thread->wait();
    QVERIFY(timer.elapsed() < 1000);
    QVERIFY(failure.isError());
    QVERIFY2(failure.toString().contains(u"interrupt"_s, Qt::CaseInsensitive),
             qPrintable(failure.toString()));
    QVERIFY(!afterwards.load());
    QVERIFY(cleared.load());
}

void TestTransactionsModel::backgroundReadsOnPostgres()
{
    // The reader's own session, from the same config; a search that is outdated runs to its end there
    // and is dropped.
    m_db.reset();
    m_fixture = std::make_unique<TestStore>();
    QString message;
    const TestStore::Status status = m_fixture->create(u"postgres"_s, &message);
    if (status == TestStore::Status::Skip)
        QSKIP(qPrintable(message));
    QCOMPARE(status, TestStore::Status::Ready);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
    seed(600);
    m_model = makeModel();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(m_model->readInBackground(m_fixture->config()));
    m_model->reload();
    QVERIFY(settled(*m_model));
    QVERIFY2(m_model->errorString().isEmpty(), qPrintable(m_model->errorString()));
    QCOMPARE(m_model->totalCount(), 600);
    for (const QString &text : {u"croi"_s, u"croissant"_s, u"espresso"_s})
        m_model->setFilter(makeFilter([&text](PaymentFilter &f) { f.text = text; }));
    QVERIFY(settled(*m_model));
    const PaymentFilter espresso = makeFilter([](PaymentFilter &f) { f.text = u"espresso"_s; });
    const QStringList expected = storeOrder(espresso, SortKey::Created, Qt::DescendingOrder);
    QCOMPARE(m_model->totalCount(), qint64(expected.size()));
    QVERIFY(fetchAllInBackground(*m_model));
    QCOMPARE(idsOf(*m_model), expected);
}

QTEST_MAIN(TestTransactionsModel)
#include "tst_transactionsmodel.moc"
