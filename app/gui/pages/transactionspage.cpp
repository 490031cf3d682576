// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/transactionspage.h"

#include "app/gui/models/transactionsmodel.h"
#include "app/gui/pages/transactiondetailpane.h"
#include "core/money.h"
#include "services/store/database.h"
#include "services/store/paymentfilter.h"
#include "services/store/paymentrepository.h"

#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

// The earliest date the range fields take; showing it means "no limit" (their special value text).
const QDate AnyDate(2000, 1, 1);

struct StatusChoice
{
    QString label;
    QStringList statuses;
};

QList<StatusChoice> statusChoices()
{
    return {
        {u"Any status"_s, {}},
        {u"Succeeded"_s, {u"succeeded"_s}},
        // Stripe puts a declined intent back to requires_payment_method.
        {u"Declined or incomplete"_s, {u"requires_payment_method"_s}},
        {u"In progress"_s,
         {u"requires_capture"_s, u"requires_action"_s, u"requires_confirmation"_s, u"processing"_s}},
        {u"Canceled"_s, {u"canceled"_s}},
    };
}

// The newest payment's currency, else USD: what amounts typed in the filter are read in. One indexed
// row, unlike the Sale page's "most used" (a scan of every payment).
Currency newestCurrency(store::Database &db)
{
    store::PageRequest request;
    request.limit = 1;
    const store::StoreResult<store::Page<store::PaymentRow>> newest =
        store::PaymentRepository(db).page(store::PaymentFilter{}, request);
    if (newest.ok() && !newest.value().rows.isEmpty() && newest.value().rows.first().amount.isValid())
        return newest.value().rows.first().amount.currency();
    return *Currency::fromCode(u"usd"_s);
}

QDateEdit *dateField(QWidget *parent, const QString &objectName, const QString &accessibleName)
{
    auto *field = new QDateEdit(parent);
    field->setObjectName(objectName);
    field->setAccessibleName(accessibleName);
    field->setCalendarPopup(true);
    field->setMinimumDate(AnyDate);
    field->setSpecialValueText(u"Any"_s);
    field->setDate(AnyDate);
    field->setMinimumHeight(36);
    return field;
}

QLineEdit *amountField(QWidget *parent, const QString &objectName, const QString &accessibleName,
                       const QString &placeholder)
{
    auto *field = new QLineEdit(parent);
    field->setObjectName(objectName);
    field->setAccessibleName(accessibleName);
    field->setPlaceholderText(placeholder);
    field->setClearButtonEnabled(true);
    field->setMaximumWidth(110);
    field->setMinimumHeight(36);
    return field;
}

} // namespace

TransactionsPage::TransactionsPage(store::Database &db, QWidget *parent)
    : TransactionsPage(db, db.config(), parent)
{
}

TransactionsPage::TransactionsPage(store::Database &db, const store::DatabaseConfig &readerConfig,
                                   QWidget *parent)
    : QWidget(parent)
    , m_db(db)
    , m_currency(newestCurrency(db))
    , m_model(new TransactionsModel(db, this))
    , m_search(new QLineEdit(this))
    , m_summary(new QLabel(this))
    , m_table(new QTableView)
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_detail(new TransactionDetailPane(db))
    , m_refund(new QPushButton(u"Request refund…"_s, this))
    , m_busy(new QProgressBar(this))
    , m_tableMessage(new QLabel)
{
    setObjectName(u"transactionsPage"_s);
    auto *layout = new QVBoxLayout(this);
    auto *bar = new QWidget(this);
    buildFilterBar(bar);
    layout->addWidget(bar);

    m_table->setObjectName(u"transactionsTable"_s);
    m_table->setAccessibleName(u"Payments"_s);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSortIndicator(TransactionsModel::DateColumn, Qt::DescendingOrder);
    m_table->setSortingEnabled(true);
    // Over the viewport, centred: why there are no rows, when a read failed.
    m_tableMessage->setObjectName(u"transactionsTableMessage"_s);
    m_tableMessage->setAlignment(Qt::AlignCenter);
    m_tableMessage->setWordWrap(true);
    m_tableMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tableMessage->setStyleSheet(u"QLabel { color: #b00020; padding: 24px; }"_s);
    m_tableMessage->hide();
    auto *overlay = new QVBoxLayout(m_table->viewport());
    overlay->addWidget(m_tableMessage);
    m_splitter->setObjectName(u"transactionsSplitter"_s);
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    m_detail->setMinimumWidth(340);
    // The pane shows with a selected payment only: without one, every column has the whole width.
    m_detail->hide();
    m_splitter->setSizes({900, 360});
    layout->addWidget(m_splitter, 1);

    m_searchTimer.setSingleShot(true);
    m_searchTimer.setInterval(SearchDelayMs);
    connect(&m_searchTimer, &QTimer::timeout, this, [this] {
        if (m_filtersPending)
            applyFilters();
    });
    connect(m_search, &QLineEdit::textChanged, this, &TransactionsPage::onSearchEdited);
    connect(m_search, &QLineEdit::returnPressed, this, &TransactionsPage::applyFilters);
    connect(m_status, &QComboBox::currentIndexChanged, this, &TransactionsPage::applyFilters);
    connect(m_cashier, &QComboBox::currentIndexChanged, this, &TransactionsPage::applyFilters);
    connect(m_from, &QDateEdit::dateChanged, this, &TransactionsPage::applyFiltersLater);
    connect(m_to, &QDateEdit::dateChanged, this, &TransactionsPage::applyFiltersLater);
    for (QLineEdit *field : {m_minAmount, m_maxAmount}) {
        connect(field, &QLineEdit::textChanged, this, &TransactionsPage::applyFiltersLater);
        connect(field, &QLineEdit::returnPressed, this, &TransactionsPage::applyFilters);
    }
    connect(m_clear, &QPushButton::clicked, this, [this] {
        const QSignalBlocker blockSearch(m_search), blockStatus(m_status), blockCashier(m_cashier),
            blockFrom(m_from), blockTo(m_to), blockMin(m_minAmount), blockMax(m_maxAmount);
        m_search->clear();
        m_status->setCurrentIndex(0);
        m_cashier->setCurrentIndex(0);
        m_from->setDate(AnyDate);
        m_to->setDate(AnyDate);
        m_minAmount->clear();
        m_maxAmount->clear();
        applyFilters();
    });

    connect(m_model, &PagedTableModel::totalCountChanged, this, &TransactionsPage::updateSummary);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TransactionsPage::selectionChanged);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TransactionsPage::selectionChanged);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TransactionsPage::updateSummary);
    connect(m_refund, &QPushButton::clicked, this, [this] {
        if (const QString id = selectedPaymentId(); !id.isEmpty())
            emit refundRequested(id);
    });
    connect(m_model, &PagedTableModel::errorOccurred, this, [this](const QString &message) {
        // With no rows the table says it all; the total's place has room for a few words only.
        const bool inTable = m_model->rowCount() == 0;
        m_summary->setText(inTable ? u"Not read"_s : message);
        m_summary->setToolTip(message);
        m_summary->setStyleSheet(u"QLabel { color: #b00020; }"_s);
        if (inTable)
            showTableMessage(message);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        // The new rows are here: they are shown as they are, whatever is still counted.
        showBusy(false);
        if (m_model->errorString().isEmpty())
            showTableMessage({});
        if (m_model->isLoading())
            m_busyTimer.start();
    });
    connect(m_model, &TransactionsModel::loadingChanged, this, &TransactionsPage::loadingChanged);
    m_busyTimer.setSingleShot(true);
    m_busyTimer.setInterval(BusyDelayMs);
    connect(&m_busyTimer, &QTimer::timeout, this, [this] { showBusy(m_model->isLoading()); });
    connect(m_detail, &TransactionDetailPane::errorOccurred, this, [this](const QString &message) {
        m_summary->setText(message);
        m_summary->setStyleSheet(u"QLabel { color: #b00020; }"_s);
    });
    setFocusProxy(m_search);

    setTabOrder(m_search, m_status);
    setTabOrder(m_status, m_cashier);
    setTabOrder(m_cashier, m_from);
    setTabOrder(m_from, m_to);
    setTabOrder(m_to, m_minAmount);
    setTabOrder(m_minAmount, m_maxAmount);
    setTabOrder(m_maxAmount, m_clear);
    setTabOrder(m_clear, m_refund);
    setTabOrder(m_refund, m_table);
    setTabOrder(m_table, m_detail);

    // A few screens of rows per read, not the model's default ten: a text search that matches a tenth of
    // a million payments finds its first 64 in a third of the time it takes to find 200, and the table
    // fetches more as it scrolls.
    m_model->setPageSize(64);
    // The first page here and now: the newest payments, a few milliseconds from the sort index, and the
    // columns are sized to them. Every later read goes through the model's thread.
    m_model->reload();
    m_model->readInBackground(readerConfig);
    m_table->resizeColumnsToContents();
    // Each column as wide as its contents, within bounds: "American Express •••• 0005" or a long name must
    // not push the description out of sight; what is cut is elided, and the whole text is in the detail
    // pane.
    QHeaderView *header = m_table->horizontalHeader();
    for (const auto &[column, widest] : {std::pair{int(TransactionsModel::MethodColumn), 170},
                                         std::pair{int(TransactionsModel::CustomerColumn), 140},
                                         std::pair{int(TransactionsModel::StatusColumn), 130},
                                         std::pair{int(TransactionsModel::CashierColumn), 100}})
        header->resizeSection(column, std::min(header->sectionSize(column), widest));
    updateColumnModes();
    updateSummary();
}

void TransactionsPage::buildFilterBar(QWidget *bar)
{
    auto *rows = new QVBoxLayout(bar);
    rows->setContentsMargins(0, 0, 0, 0);
    auto *first = new QHBoxLayout;
    m_search->setObjectName(u"transactionsSearch"_s);
    m_search->setPlaceholderText(u"Search: payment id, last 4 digits, order, customer, description"_s);
    m_search->setAccessibleName(u"Search transactions"_s);
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumHeight(36);
    first->addWidget(m_search, 1);

    m_status = new QComboBox(bar);
    m_status->setObjectName(u"transactionsStatus"_s);
    m_status->setAccessibleName(u"Filter by status"_s);
    m_status->setMinimumHeight(36);
    for (const StatusChoice &choice : statusChoices())
        m_status->addItem(choice.label, choice.statuses);
    first->addWidget(m_status);

    m_cashier = new QComboBox(bar);
    m_cashier->setObjectName(u"transactionsCashier"_s);
    m_cashier->setAccessibleName(u"Filter by cashier"_s);
    m_cashier->setMinimumHeight(36);
    m_cashier->setMinimumContentsLength(12);
    m_cashier->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    first->addWidget(m_cashier);
    reloadCashiers();

    // Shown only when a page for refund requests plugged in (setRefundsEnabled).
    m_refund->setObjectName(u"transactionsRefund"_s);
    m_refund->setAccessibleName(u"Request a refund of the selected payment"_s);
    m_refund->setMinimumHeight(44);
    m_refund->setEnabled(false);
    m_refund->setVisible(false);
    first->addWidget(m_refund);
    rows->addLayout(first);

    auto *second = new QHBoxLayout;
    m_from = dateField(bar, u"transactionsFrom"_s, u"From date"_s);
    m_to = dateField(bar, u"transactionsTo"_s, u"To date, inclusive"_s);
    auto *fromLabel = new QLabel(u"From"_s, bar);
    fromLabel->setBuddy(m_from);
    auto *toLabel = new QLabel(u"to"_s, bar);
    toLabel->setBuddy(m_to);
    second->addWidget(fromLabel);
    second->addWidget(m_from);
    second->addWidget(toLabel);
    second->addWidget(m_to);
    second->addSpacing(12);

    const QString code = m_currency.code().toUpper();
    m_minAmount = amountField(bar, u"transactionsMinAmount"_s, u"Smallest amount"_s, u"Min %1"_s.arg(code));
    m_maxAmount = amountField(bar, u"transactionsMaxAmount"_s, u"Largest amount"_s, u"Max %1"_s.arg(code));
    auto *amountLabel = new QLabel(u"Amount"_s, bar);
    amountLabel->setBuddy(m_minAmount);
    second->addWidget(amountLabel);
    second->addWidget(m_minAmount);
    second->addWidget(new QLabel(u"–"_s, bar));
    second->addWidget(m_maxAmount);
    second->addSpacing(12);

    m_clear = new QPushButton(u"Clear filters"_s, bar);
    m_clear->setObjectName(u"transactionsClearFilters"_s);
    m_clear->setAccessibleName(u"Clear every filter"_s);
    m_clear->setMinimumHeight(36);
    second->addWidget(m_clear);
    second->addStretch(1);
    m_busy->setObjectName(u"transactionsBusy"_s);
    m_busy->setAccessibleName(u"Searching"_s);
    m_busy->setRange(0, 0); // no end known: the bar moves to and fro
    m_busy->setTextVisible(false);
    m_busy->setFixedSize(72, 8);
    m_busy->setVisible(false);
    second->addWidget(m_busy);
    m_summary->setObjectName(u"transactionsSummary"_s);
    m_summary->setAccessibleName(u"How many payments the filters cover"_s);
    second->addWidget(m_summary);
    rows->addLayout(second);
}

void TransactionsPage::reloadCashiers()
{
    const QString current = m_cashier->currentData().toString();
    const QSignalBlocker blocker(m_cashier);
    m_cashier->clear();
    m_cashier->addItem(u"Every cashier"_s, QString());
    const store::StoreResult<QStringList> names = store::PaymentRepository(m_db).cashiers();
    if (names.ok()) {
        for (const QString &name : names.value())
            m_cashier->addItem(name, name);
    }
    m_cashier->setCurrentIndex(std::max(0, m_cashier->findData(current)));
}

QString TransactionsPage::summaryText() const
{
    return m_summary->text();
}

QString TransactionsPage::tableMessage() const
{
    return m_tableMessage->isHidden() ? QString() : m_tableMessage->text();
}

void TransactionsPage::loadingChanged(bool loading)
{
    if (loading) {
        m_busyTimer.start();
        return;
    }
    m_busyTimer.stop();
    showBusy(false);
    updateSummary();
}

void TransactionsPage::showBusy(bool busy)
{
    m_busy->setVisible(busy);
    // Greyed out: still there to read, but what is shown answers the previous search.
    const bool grey = busy && m_model->isReloading();
    if (m_table->isEnabled() != grey)
        return;
    // Disabled, the view paints its cells in the palette's disabled colours, and clicks do not select a
    // row that is about to go.
    m_table->setEnabled(!grey);
}

void TransactionsPage::showTableMessage(const QString &message)
{
    m_tableMessage->setText(message);
    m_tableMessage->setVisible(!message.isEmpty());
}

void TransactionsPage::refresh()
{
    m_model->refresh();
    reloadCashiers();
    m_detail->refresh();
}

store::PaymentFilter TransactionsPage::filterFromBar() const
{
    store::PaymentFilter filter;
    filter.text = m_search->text().trimmed();
    filter.statuses = m_status->currentData().toStringList();
    filter.cashier = m_cashier->currentData().toString();
    // Local days: a cashier thinks in the shop's calendar, the store in Unix seconds.
    if (m_from->date() > AnyDate)
        filter.createdFrom = m_from->date().startOfDay().toSecsSinceEpoch();
    if (m_to->date() > AnyDate)
        filter.createdTo = m_to->date().addDays(1).startOfDay().toSecsSinceEpoch();
    const auto amount = [this](const QLineEdit *field) -> std::optional<qint64> {
        const QString text = field->text().trimmed();
        if (text.isEmpty())
            return std::nullopt;
        const MoneyParseResult parsed = Money::parse(text, m_currency, QLocale());
        if (!parsed)
            return std::nullopt;
        return parsed.money().minorUnits();
    };
    filter.amountMin = amount(m_minAmount);
    filter.amountMax = amount(m_maxAmount);
    // Minor units mean nothing across currencies (¥1,200 is not $12.00): a range covers its own currency.
    if (filter.amountMin || filter.amountMax)
        filter.currency = m_currency.code();
    return filter;
}

void TransactionsPage::onSearchEdited()
{
    // A keystroke after a pause searches at once (the store answers in tens of milliseconds), so the
    // table follows the keyboard; keystrokes within SearchDelayMs of a search are gathered and searched
    // once typing pauses. One or two characters always wait: they match too much to be worth a query
    // that the next keystroke replaces.
    const qsizetype length = m_search->text().trimmed().size();
    if (m_searchTimer.isActive() || (length > 0 && length < 3))
        return applyFiltersLater();
    applyFilters();
    m_searchTimer.start();
}

void TransactionsPage::applyFiltersLater()
{
    m_filtersPending = true;
    m_searchTimer.start();
}

void TransactionsPage::applyFilters()
{
    m_searchTimer.stop();
    m_filtersPending = false;
    // An amount that does not read as money is marked rather than silently ignored.
    for (QLineEdit *field : {m_minAmount, m_maxAmount}) {
        const QString text = field->text().trimmed();
        const bool bad = !text.isEmpty() && !Money::parse(text, m_currency, QLocale());
        field->setStyleSheet(bad ? u"QLineEdit { border: 2px solid #b00020; }"_s : QString());
        field->setToolTip(bad ? Money::parse(text, m_currency, QLocale()).message() : QString());
    }
    const store::PaymentFilter filter = filterFromBar();
    const store::PaymentFilter &current = m_model->filter();
    if (filter.text == current.text && filter.statuses == current.statuses &&
        filter.cashier == current.cashier && filter.createdFrom == current.createdFrom &&
        filter.createdTo == current.createdTo && filter.amountMin == current.amountMin &&
        filter.amountMax == current.amountMax && filter.currency == current.currency)
        return;
    m_model->setFilter(filter);
}

void TransactionsPage::updateSummary()
{
    if (!m_model->errorString().isEmpty())
        return;
    m_summary->setStyleSheet({});
    m_summary->setToolTip({});
    const qint64 total = m_model->totalCount();
    if (!m_model->isTotalExact())
        m_summary->setText(u"%1+ payments"_s.arg(QLocale().toString(total)));
    else
        m_summary->setText(total == 1 ? u"1 payment"_s : u"%1 payments"_s.arg(QLocale().toString(total)));
}

void TransactionsPage::selectionChanged()
{
    const QString id = selectedPaymentId();
    m_refund->setEnabled(!id.isEmpty());
    m_detail->showPayment(id);
    if (m_detail->isHidden() != id.isEmpty()) {
        m_detail->setVisible(!id.isEmpty());
        updateColumnModes();
    }
}

void TransactionsPage::updateColumnModes()
{
    // Alone, the table's description takes what the other columns leave; beside the detail pane it
    // keeps a readable width and the table scrolls sideways instead of squeezing it to "…".
    QHeaderView *header = m_table->horizontalHeader();
    if (m_detail->isHidden()) {
        header->setSectionResizeMode(TransactionsModel::DescriptionColumn, QHeaderView::Stretch);
        return;
    }
    header->setSectionResizeMode(TransactionsModel::DescriptionColumn, QHeaderView::Interactive);
    header->resizeSection(TransactionsModel::DescriptionColumn, 200);
}

void TransactionsPage::setRefundsEnabled(bool enabled)
{
    m_refund->setVisible(enabled);
}

void TransactionsPage::setTestMode(bool testMode)
{
    m_detail->setTestMode(testMode);
}

QString TransactionsPage::selectedPaymentId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(TransactionsModel::PaymentIdRole).toString();
}

} // namespace kassa::gui
