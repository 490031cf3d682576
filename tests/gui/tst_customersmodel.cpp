// SPDX-License-Identifier: GPL-3.0-or-later
// CustomersModel and PaymentMethodsModel over a SQLite store, with QAbstractItemModelTester (fatal)
// watching: the customers list pages through every customer once and in order, searches, sorts by date
// only, refreshes in place (a new customer inserted, a deleted one removed), and reports a broken
// store; a customer's saved methods show card, PayPal and Link, expiry and the default.
#include "app/gui/models/customersmodel.h"
#include "app/gui/models/paymentmethodsmodel.h"

#include "storetestsupport.h"

#include "services/store/customerrepository.h"
#include "services/store/migrations.h"
#include "services/store/paymentmethodrepository.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QPersistentModelIndex>
#include <QSet>
#include <QSignalSpy>

using namespace Qt::StringLiterals;
using namespace kassa::gui;
using namespace kassa::store;
using namespace kassa::store::test;

namespace {

constexpr int CustomerCount = 1200;
constexpr qint64 FirstCreated = 1'690'000'000;

QString customerId(int i)
{
    return u"cus_%1"_s.arg(i, 5, 10, QLatin1Char('0'));
}

QStringList idsOf(const QAbstractItemModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, 0).data(CustomersModel::CustomerIdRole).toString();
    return ids;
}

void fetchAll(QAbstractItemModel &model)
{
    int guard = 0;
    while (model.canFetchMore(QModelIndex()) && ++guard < 10'000)
        model.fetchMore(QModelIndex());
}

QJsonObject withType(QJsonObject json, const QString &type, const QJsonObject &details, const QString &email)
{
    json.remove(u"card"_s);
    json.insert(u"type"_s, type);
    json.insert(type, details);
    QJsonObject billing = json.value(u"billing_details"_s).toObject();
    billing.insert(u"email"_s, email);
    json.insert(u"billing_details"_s, billing);
    return json;
}

} // namespace

class TestCustomersModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void pagingReachesEveryCustomerOnce();
    void search();
    void sortByDateOnly();
    void refreshInsertsAndRemoves();
    void columns();
    void storeFailureIsReported();

    void paymentMethods();
    void paymentMethodsOfNobody();
    void paymentMethodsStoreFailure();

private:
    void seed(int count);
    QStringList storeOrder(const QString &search, Qt::SortOrder order);

    std::unique_ptr<TestStore> m_fixture;
    std::unique_ptr<Database> m_db;
};

void TestCustomersModel::init()
{
    m_fixture = std::make_unique<TestStore>();
    QString message;
    QCOMPARE(m_fixture->create(u"sqlite"_s, &message), TestStore::Status::Ready);
    StoreResult<std::unique_ptr<Database>> opened = m_fixture->open();
    VERIFY_RESULT(opened);
    m_db = std::move(opened).value();
    VERIFY_STORE(Migrations::migrate(*m_db));
}

void TestCustomersModel::cleanup()
{
    m_db.reset();
    m_fixture.reset();
}

void TestCustomersModel::seed(int count)
{
    QList<QJsonObject> objects;
    for (int i = 0; i < count; ++i) {
        // Four customers a second; every tenth a Rosen.
        const QString name = i % 10 == 0 ? u"Jenny Rosen %1"_s.arg(i) : u"Customer %1"_s.arg(i);
        objects << customer(customerId(i), name, u"c%1@example.com"_s.arg(i), FirstCreated + i / 4);
    }
    VERIFY_RESULT(CustomerRepository(*m_db).upsertMany(objects, FirstCreated + count));
}

QStringList TestCustomersModel::storeOrder(const QString &search, Qt::SortOrder order)
{
    QStringList ids;
    PageRequest request{.order = order, .limit = PageRequest::MaxLimit};
    for (;;) {
        const StoreResult<Page<CustomerRow>> page = CustomerRepository(*m_db).page(search, request);
        if (!page.ok())
            return {u"<error>"_s};
        for (const CustomerRow &row : page.value().rows)
            ids << row.id;
        if (!page.value().hasMore())
            return ids;
        request.after = page.value().next;
    }
}

void TestCustomersModel::pagingReachesEveryCustomerOnce()
{
    seed(CustomerCount);
    CustomersModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QCOMPARE(model.rowCount(), 0);
    model.setPageSize(150);
    model.reload();
    QCOMPARE(model.rowCount(), 150);
    QCOMPARE(model.totalCount(), CustomerCount);
    fetchAll(model);
    const QStringList ids = idsOf(model);
    QCOMPARE(ids.size(), CustomerCount);
    QCOMPARE(QSet<QString>(ids.cbegin(), ids.cend()).size(), CustomerCount);
    QCOMPARE(ids, storeOrder(QString(), Qt::DescendingOrder));
    QCOMPARE(ids.first(), customerId(CustomerCount - 1));
}

void TestCustomersModel::search()
{
    seed(CustomerCount);
    CustomersModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.reload();
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setSearch(u"rosen"_s);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.search(), u"rosen"_s);
    QCOMPARE(model.totalCount(), CustomerCount / 10);
    fetchAll(model);
    QCOMPARE(model.rowCount(), CustomerCount / 10);
    for (int row = 0; row < model.rowCount(); ++row)
        QVERIFY(model.index(row, CustomersModel::NameColumn).data().toString().startsWith(u"Jenny Rosen"_s));
    // The same words again, with spaces: nothing to read.
    model.setSearch(u"  rosen "_s);
    QCOMPARE(reset.count(), 1);
    // Words in name and email together.
    model.setSearch(u"jenny c120@"_s);
    QCOMPARE(idsOf(model), QStringList{customerId(120)});
    model.setSearch(u"nobody at all"_s);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.totalCount(), 0);
    QVERIFY(model.errorString().isEmpty());
    model.setSearch(QString());
    QCOMPARE(model.totalCount(), CustomerCount);
}

void TestCustomersModel::sortByDateOnly()
{
    seed(300);
    CustomersModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.reload();
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.sort(CustomersModel::NameColumn, Qt::AscendingOrder);
    model.sort(CustomersModel::EmailColumn, Qt::AscendingOrder);
    QCOMPARE(reset.count(), 0);
    QVERIFY(!CustomersModel::isSortable(CustomersModel::NameColumn));
    QVERIFY(CustomersModel::isSortable(CustomersModel::CreatedColumn));
    model.sort(CustomersModel::CreatedColumn, Qt::AscendingOrder);
    QCOMPARE(reset.count(), 1);
    fetchAll(model);
    QCOMPARE(idsOf(model), storeOrder(QString(), Qt::AscendingOrder));
    QCOMPARE(idsOf(model).first(), customerId(0));
}

void TestCustomersModel::refreshInsertsAndRemoves()
{
    seed(CustomerCount);
    CustomersModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.reload();
    model.fetchMore(QModelIndex());
    QCOMPARE(model.rowCount(), 400);
    const QPersistentModelIndex selected(model.index(300, CustomersModel::EmailColumn));
    const QString selectedId = selected.data(CustomersModel::CustomerIdRole).toString();
    const QString deletedId = model.index(50, 0).data(CustomersModel::CustomerIdRole).toString();
    const QString renamedId = model.index(60, 0).data(CustomersModel::CustomerIdRole).toString();

    CustomerRepository customers(*m_db);
    VERIFY_RESULT(customers.upsert(
        customer(u"cus_newest"_s, u"Walk-in"_s, u"walkin@example.com"_s, FirstCreated + CustomerCount),
        FirstCreated + 9000));
    VERIFY_RESULT(customers.upsert(
        QJsonObject{{u"id"_s, deletedId}, {u"object"_s, u"customer"_s}, {u"deleted"_s, true}},
        FirstCreated + 9000));
    QJsonObject renamed = customer(renamedId, u"Renamed"_s, u"renamed@example.com"_s,
                                   model.index(60, 0).data(CustomersModel::CreatedRole).toLongLong());
    VERIFY_RESULT(customers.upsert(renamed, FirstCreated + 9000));

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.refresh();
    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.first().at(1).toInt(), 50);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), 0);
    QCOMPARE(model.rowCount(), 400);
    QVERIFY(!idsOf(model).contains(deletedId));
    QCOMPARE(selected.data(CustomersModel::CustomerIdRole).toString(), selectedId);
    QCOMPARE(selected.row(), 300);
    QCOMPARE(model.index(60, CustomersModel::NameColumn).data().toString(), u"Renamed"_s);
    QCOMPARE(model.totalCount(), CustomerCount);
    fetchAll(model);
    QCOMPARE(idsOf(model), storeOrder(QString(), Qt::DescendingOrder));
}

void TestCustomersModel::columns()
{
    QJsonObject json = customer(u"cus_1"_s, u"Jenny Rosen"_s, u"jenny@example.com"_s, FirstCreated);
    json.insert(u"phone"_s, u"+15555550100"_s);
    json.insert(u"description"_s, u"Regular, oat milk"_s);
    json.insert(u"invoice_settings"_s, QJsonObject{{u"default_payment_method"_s, u"pm_1"_s}});
    VERIFY_RESULT(CustomerRepository(*m_db).upsert(json, FirstCreated));
    CustomersModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const QLocale english(QLocale::English, QLocale::UnitedStates);
    model.setLocale(english);
    model.reload();
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.columnCount(), int(CustomersModel::ColumnCount));
    QCOMPARE(model.index(0, CustomersModel::NameColumn).data().toString(), u"Jenny Rosen"_s);
    QCOMPARE(model.index(0, CustomersModel::NameColumn).data(Qt::ToolTipRole).toString(),
             u"Regular, oat milk"_s);
    QCOMPARE(model.index(0, CustomersModel::EmailColumn).data().toString(), u"jenny@example.com"_s);
    QCOMPARE(model.index(0, CustomersModel::PhoneColumn).data().toString(), u"+15555550100"_s);
    QCOMPARE(model.index(0, CustomersModel::CreatedColumn).data().toString(),
             english.toString(QDateTime::fromSecsSinceEpoch(FirstCreated).toLocalTime().date(),
                              QLocale::ShortFormat));
    QCOMPARE(model.index(0, CustomersModel::CreatedColumn).data(CustomersModel::RawValueRole).toLongLong(),
             FirstCreated);
    QCOMPARE(model.index(0, 2).data(CustomersModel::CustomerIdRole).toString(), u"cus_1"_s);
    QCOMPARE(model.index(0, 2).data(CustomersModel::DefaultPaymentMethodIdRole).toString(), u"pm_1"_s);
    QCOMPARE(model.customerAt(0).email, u"jenny@example.com"_s);
    QCOMPARE(model.headerData(CustomersModel::EmailColumn, Qt::Horizontal).toString(), u"Email"_s);
}

void TestCustomersModel::storeFailureIsReported()
{
    seed(500);
    CustomersModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy errors(&model, &CustomersModel::errorOccurred);
    model.reload();
    QCOMPARE(model.rowCount(), 200);
    VERIFY_STORE(m_db->execDirect(u"ALTER TABLE customers RENAME TO customers_away"_s));
    model.fetchMore(QModelIndex());
    QCOMPARE(errors.count(), 1);
    QCOMPARE(model.rowCount(), 200);
    QVERIFY(!model.canFetchMore(QModelIndex()));
    model.setSearch(u"rosen"_s);
    QCOMPARE(errors.count(), 2);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.errorString().contains(u"customers"_s));
}

void TestCustomersModel::paymentMethods()
{
    QJsonObject owner = customer(u"cus_1"_s, u"Jenny Rosen"_s, u"jenny@example.com"_s);
    owner.insert(u"invoice_settings"_s, QJsonObject{{u"default_payment_method"_s, u"pm_visa"_s}});
    VERIFY_RESULT(CustomerRepository(*m_db).upsert(owner, FirstCreated));
    PaymentMethodRepository methods(*m_db);
    QJsonObject visa = paymentMethod(u"pm_visa"_s, u"cus_1"_s, u"visa"_s, u"4242"_s);
    QJsonObject visaCard = visa.value(u"card"_s).toObject();
    visaCard.insert(u"exp_month"_s, 8);
    visaCard.insert(u"exp_year"_s, 2031);
    visa.insert(u"card"_s, visaCard);
    visa.insert(u"created"_s, FirstCreated + 40);
    QJsonObject old = paymentMethod(u"pm_old"_s, u"cus_1"_s, u"mastercard"_s, u"4444"_s);
    QJsonObject oldCard = old.value(u"card"_s).toObject();
    oldCard.insert(u"exp_month"_s, 1);
    oldCard.insert(u"exp_year"_s, 2024);
    old.insert(u"card"_s, oldCard);
    old.insert(u"created"_s, FirstCreated + 30);
    QJsonObject paypal =
        withType(paymentMethod(u"pm_paypal"_s, u"cus_1"_s, u"visa"_s, u"0000"_s), u"paypal"_s,
                 QJsonObject{{u"payer_email"_s, u"jenny@paypal.example"_s}}, u"jenny@paypal.example"_s);
    paypal.insert(u"created"_s, FirstCreated + 20);
    QJsonObject link = withType(paymentMethod(u"pm_link"_s, u"cus_1"_s, u"visa"_s, u"0000"_s), u"link"_s,
                                QJsonObject{{u"email"_s, u"jenny@link.example"_s}}, u"jenny@link.example"_s);
    link.insert(u"created"_s, FirstCreated + 10);
    VERIFY_RESULT(methods.upsertMany({visa, old, paypal, link}, FirstCreated));
    // Someone else's card is not listed.
    VERIFY_RESULT(
        methods.upsert(paymentMethod(u"pm_other"_s, u"cus_2"_s, u"amex"_s, u"0005"_s), FirstCreated));

    PaymentMethodsModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setToday(QDate(2026, 11, 26));
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.setCustomerId(u"cus_1"_s);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.columnCount(), int(PaymentMethodsModel::ColumnCount));
    QCOMPARE(model.defaultPaymentMethodId(), u"pm_visa"_s);

    const auto cell = [&model](int row, int column, int role = Qt::DisplayRole) {
        return model.index(row, column).data(role);
    };
    // Newest first.
    QCOMPARE(cell(0, 0, PaymentMethodsModel::PaymentMethodIdRole).toString(), u"pm_visa"_s);
    QCOMPARE(cell(0, PaymentMethodsModel::TypeColumn).toString(), u"Card"_s);
    QCOMPARE(cell(0, PaymentMethodsModel::BrandColumn).toString(), u"Visa"_s);
    QCOMPARE(cell(0, PaymentMethodsModel::NumberColumn).toString(), u"\u2022\u2022\u2022\u2022\u00a04242"_s);
    QCOMPARE(cell(0, PaymentMethodsModel::ExpiryColumn).toString(), u"08/31"_s);
    QCOMPARE(cell(0, PaymentMethodsModel::DefaultColumn).toString(), u"Default"_s);
    QCOMPARE(cell(0, 0, PaymentMethodsModel::IsDefaultRole).toBool(), true);
    QCOMPARE(cell(0, 0, PaymentMethodsModel::IsExpiredRole).toBool(), false);

    QCOMPARE(cell(1, PaymentMethodsModel::BrandColumn).toString(), u"Mastercard"_s);
    QCOMPARE(cell(1, PaymentMethodsModel::ExpiryColumn).toString(), u"01/24"_s);
    QCOMPARE(cell(1, 0, PaymentMethodsModel::IsExpiredRole).toBool(), true);
    QVERIFY(!cell(1, PaymentMethodsModel::ExpiryColumn, Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(cell(1, PaymentMethodsModel::DefaultColumn).toString(), QString());
    QCOMPARE(cell(1, 0, PaymentMethodsModel::IsDefaultRole).toBool(), false);

    QCOMPARE(cell(2, PaymentMethodsModel::TypeColumn).toString(), u"PayPal"_s);
    QCOMPARE(cell(2, 0, PaymentMethodsModel::TypeRole).toString(), u"paypal"_s);
    QCOMPARE(cell(2, PaymentMethodsModel::NumberColumn).toString(), u"jenny@paypal.example"_s);
    QCOMPARE(cell(2, PaymentMethodsModel::ExpiryColumn).toString(), QString());
    QCOMPARE(cell(3, PaymentMethodsModel::TypeColumn).toString(), u"Link"_s);
    QCOMPARE(cell(3, PaymentMethodsModel::NumberColumn).toString(), u"jenny@link.example"_s);

    // Detach the old card and make PayPal the default: reload() shows both.
    QJsonObject detached = old;
    detached.insert(u"customer"_s, QJsonValue(QJsonValue::Null));
    VERIFY_RESULT(methods.upsert(detached, FirstCreated + 100));
    owner.insert(u"invoice_settings"_s, QJsonObject{{u"default_payment_method"_s, u"pm_paypal"_s}});
    VERIFY_RESULT(CustomerRepository(*m_db).upsert(owner, FirstCreated + 100));
    model.reload();
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(cell(1, 0, PaymentMethodsModel::PaymentMethodIdRole).toString(), u"pm_paypal"_s);
    QCOMPARE(cell(1, 0, PaymentMethodsModel::IsDefaultRole).toBool(), true);
    QCOMPARE(cell(0, 0, PaymentMethodsModel::IsDefaultRole).toBool(), false);
}

void TestCustomersModel::paymentMethodsOfNobody()
{
    PaymentMethodsModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy errors(&model, &PaymentMethodsModel::errorOccurred);
    model.setCustomerId(u"cus_unknown"_s);
    QCOMPARE(model.rowCount(), 0);
    model.setCustomerId(QString());
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(errors.count(), 0);
    QCOMPARE(model.headerData(PaymentMethodsModel::ExpiryColumn, Qt::Horizontal).toString(), u"Expires"_s);
}

void TestCustomersModel::paymentMethodsStoreFailure()
{
    VERIFY_RESULT(
        CustomerRepository(*m_db).upsert(customer(u"cus_1"_s, u"Jenny"_s, QString()), FirstCreated));
    VERIFY_RESULT(PaymentMethodRepository(*m_db).upsert(
        paymentMethod(u"pm_1"_s, u"cus_1"_s, u"visa"_s, u"4242"_s), FirstCreated));
    PaymentMethodsModel model(*m_db);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy errors(&model, &PaymentMethodsModel::errorOccurred);
    model.setCustomerId(u"cus_1"_s);
    QCOMPARE(model.rowCount(), 1);
    VERIFY_STORE(m_db->execDirect(u"ALTER TABLE payment_methods RENAME TO payment_methods_away"_s));
    model.reload();
    QCOMPARE(errors.count(), 1);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.errorString().isEmpty());
}

QTEST_MAIN(TestCustomersModel)
#include "tst_customersmodel.moc"
