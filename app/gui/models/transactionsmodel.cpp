// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/models/transactionsmodel.h"

#include "app/gui/models/backgroundreader.h"
#include "core/cardbrand.h"
#include "services/store/database.h"
#include "services/store/paymentrepository.h"
#include "services/stripe/declinemessages.h"

#include <QDateTime>
#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

// The words a cashier reads for a status, and how it looks. A succeeded payment that was refunded says
// so here too, since that is what the person at the counter asks about.
void describeStatus(const store::PaymentRow &payment, QString *words, PaymentTone *tone)
{
    switch (payment.statusValue()) {
    case PaymentIntentStatus::Succeeded:
        if (payment.amountRefunded.isPositive() &&
            payment.amountRefunded.minorUnits() >= payment.amountReceived.minorUnits()) {
            *words = TransactionsModel::tr("Refunded");
            *tone = PaymentTone::Neutral;
        } else if (payment.amountRefunded.isPositive()) {
            *words = TransactionsModel::tr("Partially refunded");
            *tone = PaymentTone::Success;
        } else {
            *words = TransactionsModel::tr("Succeeded");
            *tone = PaymentTone::Success;
        }
        return;
    case PaymentIntentStatus::RequiresCapture:
        *words = TransactionsModel::tr("Authorized, not captured");
        *tone = PaymentTone::Pending;
        return;
    case PaymentIntentStatus::Processing:
        *words = TransactionsModel::tr("Processing");
        *tone = PaymentTone::Pending;
        return;
    case PaymentIntentStatus::RequiresAction:
        *words = TransactionsModel::tr("Waiting for the customer");
        *tone = PaymentTone::Pending;
        return;
    case PaymentIntentStatus::RequiresConfirmation:
        *words = TransactionsModel::tr("Incomplete");
        *tone = PaymentTone::Pending;
        return;
    case PaymentIntentStatus::RequiresPaymentMethod:
        // Stripe puts a declined intent back here, with the error of the attempt.
        if (!payment.errorCode.isEmpty() || !payment.declineCode.isEmpty()) {
            *words = TransactionsModel::tr("Declined");
            *tone = PaymentTone::Failed;
        } else {
            *words = TransactionsModel::tr("Incomplete");
            *tone = PaymentTone::Neutral;
        }
        return;
    case PaymentIntentStatus::Canceled:
        *words = TransactionsModel::tr("Canceled");
        *tone = PaymentTone::Neutral;
        return;
    case PaymentIntentStatus::Unknown:
        break;
    }
    // A status newer than this build: Stripe's own text beats a blank cell.
    *words = payment.status;
    *tone = PaymentTone::Neutral;
}

store::StoreResult<store::Page<TransactionEntry>>
readEntries(store::Database &db, const store::PaymentFilter &filter, const store::PageRequest &request)
{
    store::StoreResult<store::Page<store::PaymentRow>> page =
        store::PaymentRepository(db).page(filter, request);
    if (!page.ok())
        return page.error();
    store::Page<TransactionEntry> entries;
    entries.next = page.value().next;
    entries.rows.reserve(page.value().rows.size());
    for (const store::PaymentRow &payment : std::as_const(page.value().rows))
        entries.rows.append(TransactionEntry{payment, std::nullopt});
    return entries;
}

QString methodText(const store::PaymentRow &payment)
{
    if (payment.cardLast4.isEmpty())
        return payment.cardBrand.isEmpty() ? QString() : displayName(payment.cardBrandValue());
    // U+2022 bullets and no-break spaces: "Visa •••• 4242" never wraps between brand and digits.
    const QString digits = u"\u2022\u2022\u2022\u2022\u00a0"_s + payment.cardLast4;
    if (payment.cardBrand.isEmpty())
        return digits;
    return displayName(payment.cardBrandValue()) + QChar(0x00a0) + digits;
}

} // namespace

TransactionsModel::TransactionsModel(store::Database &db, QObject *parent)
    : KeysetTableModel(parent)
    , m_db(db)
{
}

TransactionsModel::~TransactionsModel()
{
    // First of all: the reader's jobs hand their answers to this object until its thread has ended.
    m_reader.reset();
}

bool TransactionsModel::readInBackground(const store::DatabaseConfig &config)
{
    if (m_reader)
        return true;
    if (config.dialect == store::Dialect::Sqlite && config.sqlitePath == u":memory:"_s)
        return false;
    m_reader = std::make_unique<BackgroundReader>(config);
    return true;
}

bool TransactionsModel::canFetchMore(const QModelIndex &parent) const
{
    // While a reload's rows are on their way, the loaded rows belong to the previous filter: nothing to
    // add to them.
    return !m_fetchPending && !m_resetPending && KeysetTableModel::canFetchMore(parent);
}

void TransactionsModel::fetchMore(const QModelIndex &parent)
{
    if (!m_reader)
        return KeysetTableModel::fetchMore(parent);
    if (!canFetchMore(parent) || isBusy())
        return;
    postRead(m_reader->generation(), nextPageRequest(), false);
    setPending(m_resetPending, m_countPending, true);
}

void TransactionsModel::reload()
{
    if (!m_reader)
        return KeysetTableModel::reload();
    if (isBusy())
        return;
    // The rows shown stay until the new ones arrive; a page or total of an older question still on its
    // way is dropped.
    const quint64 generation = m_reader->newGeneration();
    postRead(generation, firstPageRequest(), true);
    setPending(true, true, false);
}

void TransactionsModel::refresh()
{
    if (!m_reader)
        return KeysetTableModel::refresh();
    if (m_resetPending) {
        // The rows shown are about to be replaced: ask again, after what sync wrote.
        reload();
        return;
    }
    if (m_fetchPending || m_countPending) {
        // The window is re-read here and now; a page read before it would not fit it.
        m_reader->newGeneration();
        setPending(false, false, false);
    }
    KeysetTableModel::refresh();
}

void TransactionsModel::postRead(quint64 generation, const store::PageRequest &request, bool first)
{
    BackgroundReader *reader = m_reader.get();
    m_reader->post(generation, [this, reader, generation, request, first, filter = m_filter, cap = m_countCap,
                                hook = m_readHook](store::Database *db, const QString &openError) {
        // On the reader's thread: nothing of this object but its address is used here; the answers go
        // back as queued calls (this object outlives the thread, see the destructor).
        const auto failure = [&]() -> store::StoreError {
            if (!db)
                return store::StoreError::make(store::StoreError::Kind::Open, openError);
            return hook ? hook(filter) : store::StoreError();
        };
        if (const store::StoreError error = failure(); error.isError()) {
            if (!reader->isCurrent(generation))
                return;
            const store::StoreResult<store::Page<TransactionEntry>> page = error;
            QMetaObject::invokeMethod(
                this, [this, generation, page, first] { pageArrived(generation, page, first); },
                Qt::QueuedConnection);
            return;
        }
        const store::StoreResult<store::Page<TransactionEntry>> page = readEntries(*db, filter, request);
        if (!reader->isCurrent(generation))
            return;
        QMetaObject::invokeMethod(
            this, [this, generation, page, first] { pageArrived(generation, page, first); },
            Qt::QueuedConnection);
        if (!first || !page.ok())
            return;
        const store::StoreResult<store::BoundedCount> counted =
            store::PaymentRepository(*db).countUpTo(filter, cap);
        if (!reader->isCurrent(generation))
            return;
        QMetaObject::invokeMethod(
            this, [this, generation, counted] { countArrived(generation, counted); }, Qt::QueuedConnection);
    });
}

void TransactionsModel::pageArrived(quint64 generation,
                                    const store::StoreResult<store::Page<TransactionEntry>> &page, bool first)
{
    if (!m_reader || !m_reader->isCurrent(generation))
        return;
    if (!first) {
        setPending(m_resetPending, m_countPending, false);
        appendPage(page);
        return;
    }
    // A failed first page has no total to wait for.
    const bool ok = resetToPage(page);
    setPending(false, ok && m_countPending, false);
}

void TransactionsModel::countArrived(quint64 generation, const store::StoreResult<store::BoundedCount> &count)
{
    if (!m_reader || !m_reader->isCurrent(generation) || !m_countPending)
        return;
    if (count.ok()) {
        m_totalExact = count.value().exact;
        applyCount(count.value().value);
    } else {
        applyCount(count.error());
    }
    setPending(m_resetPending, false, m_fetchPending);
}

void TransactionsModel::setPending(bool reset, bool count, bool fetch)
{
    const bool was = isLoading();
    m_resetPending = reset;
    m_countPending = count;
    m_fetchPending = fetch;
    if (isLoading() != was)
        emit loadingChanged(isLoading());
}

void TransactionsModel::setFilter(const store::PaymentFilter &filter)
{
    m_filter = filter;
    reload();
}

void TransactionsModel::setLocale(const QLocale &locale)
{
    m_locale = locale;
    updateEntries([](TransactionEntry &entry) { entry.texts.reset(); });
}

bool TransactionsModel::isSortable(int column)
{
    return column == DateColumn || column == AmountColumn;
}

int TransactionsModel::sortColumn() const
{
    return sortKey() == store::SortKey::Amount ? AmountColumn : DateColumn;
}

void TransactionsModel::sort(int column, Qt::SortOrder order)
{
    if (!isSortable(column))
        return;
    const store::SortKey key = column == AmountColumn ? store::SortKey::Amount : store::SortKey::Created;
    // A view repeats its current sort when sorting is switched on: no reason to read everything again.
    if (key == sortKey() && order == sortOrder() && (rowCount() > 0 || !errorString().isEmpty()))
        return;
    setSortKey(key, order);
    reload();
}

int TransactionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TransactionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TransactionEntry &row = entryAt(index.row());
    const store::PaymentRow &payment = row.payment;
    switch (role) {
    case Qt::DisplayRole: {
        const TransactionTexts &texts = textsOf(row);
        switch (index.column()) {
        case DateColumn:
            return texts.date;
        case AmountColumn:
            return texts.amount;
        case StatusColumn:
            return texts.status;
        case MethodColumn:
            return texts.method;
        case CustomerColumn:
            return texts.customer;
        case DescriptionColumn:
            return payment.description;
        case CashierColumn:
            return payment.cashier;
        case RefundedColumn:
            return texts.refunded;
        default:
            return {};
        }
    }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case StatusColumn:
            return textsOf(row).statusTip.isEmpty() ? QVariant() : QVariant(textsOf(row).statusTip);
        case CustomerColumn:
            // Name and email together: two customers may share a name.
            if (!payment.customerName.isEmpty() && !payment.customerEmail.isEmpty())
                return QString(payment.customerName + u" <"_s + payment.customerEmail + u'>');
            return {};
        case DescriptionColumn:
            return payment.description.isEmpty() ? QVariant() : QVariant(payment.description);
        default:
            return {};
        }
    case Qt::TextAlignmentRole:
        if (index.column() == AmountColumn || index.column() == RefundedColumn)
            return QVariant((Qt::AlignRight | Qt::AlignVCenter).toInt());
        return {};
    case PaymentIdRole:
        return payment.id;
    case StatusRole:
        return payment.status;
    case ToneRole:
        return int(textsOf(row).tone);
    case AmountMinorUnitsRole:
        return payment.amount.minorUnits();
    case CurrencyRole:
        return payment.amount.currency().code();
    case CustomerIdRole:
        return payment.customerId;
    case RefundedMinorUnitsRole:
        return payment.amountRefunded.minorUnits();
    case CreatedRole:
        return payment.created;
    case RawValueRole:
        switch (index.column()) {
        case DateColumn:
            return payment.created;
        case AmountColumn:
            return payment.amount.minorUnits();
        case StatusColumn:
            return payment.status;
        case MethodColumn:
            return QString(payment.cardBrand + u' ' + payment.cardLast4).trimmed();
        case CustomerColumn:
            return payment.customerName.isEmpty() ? payment.customerEmail : payment.customerName;
        case DescriptionColumn:
            return payment.description;
        case CashierColumn:
            return payment.cashier;
        case RefundedColumn:
            return payment.amountRefunded.minorUnits();
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant TransactionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::TextAlignmentRole)
        return QVariant(((section == AmountColumn || section == RefundedColumn)
                             ? Qt::AlignRight | Qt::AlignVCenter
                             : Qt::AlignLeft | Qt::AlignVCenter)
                            .toInt());
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case DateColumn:
        return tr("Date");
    case AmountColumn:
        return tr("Amount");
    case StatusColumn:
        return tr("Status");
    case MethodColumn:
        return tr("Method");
    case CustomerColumn:
        return tr("Customer");
    case DescriptionColumn:
        return tr("Description");
    case CashierColumn:
        return tr("Cashier");
    case RefundedColumn:
        return tr("Refunded");
    default:
        return {};
    }
}

Qt::ItemFlags TransactionsModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> TransactionsModel::roleNames() const
{
    QHash<int, QByteArray> names = KeysetTableModel::roleNames();
    names.insert(PaymentIdRole, "paymentId");
    names.insert(StatusRole, "status");
    names.insert(ToneRole, "tone");
    names.insert(AmountMinorUnitsRole, "amountMinorUnits");
    names.insert(CurrencyRole, "currency");
    names.insert(CustomerIdRole, "customerId");
    names.insert(RefundedMinorUnitsRole, "refundedMinorUnits");
    names.insert(CreatedRole, "created");
    names.insert(RawValueRole, "rawValue");
    return names;
}

store::StoreResult<store::Page<TransactionEntry>>
TransactionsModel::readPage(const store::PageRequest &request)
{
    return readEntries(m_db, m_filter, request);
}

store::StoreResult<qint64> TransactionsModel::readCount()
{
    const store::StoreResult<store::BoundedCount> counted =
        store::PaymentRepository(m_db).countUpTo(m_filter, m_countCap);
    if (!counted.ok())
        return counted.error();
    m_totalExact = counted.value().exact;
    return counted.value().value;
}

qint64 TransactionsModel::sortValueOf(const TransactionEntry &entry) const
{
    return sortKey() == store::SortKey::Amount ? entry.payment.amount.minorUnits() : entry.payment.created;
}

const TransactionTexts &TransactionsModel::textsOf(const TransactionEntry &entry) const
{
    if (entry.texts)
        return *entry.texts;
    const store::PaymentRow &payment = entry.payment;
    TransactionTexts texts;
    texts.date = m_locale.toString(QDateTime::fromSecsSinceEpoch(payment.created), QLocale::ShortFormat);
    texts.amount = payment.amount.format(m_locale);
    texts.refunded = payment.amountRefunded.isZero() ? QString() : payment.amountRefunded.format(m_locale);
    describeStatus(payment, &texts.status, &texts.tone);
    if (texts.tone == PaymentTone::Failed) {
        const stripe::DeclineMessages::Advice advice =
            stripe::DeclineMessages::forCode(payment.declineCode, payment.errorCode);
        texts.statusTip = QString(advice.reason + u' ' + advice.nextStep).trimmed();
    }
    texts.method = methodText(payment);
    texts.customer = payment.customerName.isEmpty() ? payment.customerEmail : payment.customerName;
    entry.texts = std::move(texts);
    return *entry.texts;
}

} // namespace kassa::gui
