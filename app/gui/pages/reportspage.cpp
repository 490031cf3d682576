// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/reportspage.h"

#include "app/gui/pages/reportprint.h"
#include "app/gui/shell/storeworker.h"
#include "app/gui/widgets/reportcurrencysection.h"
#include "services/reports/reportservice.h"
#include "services/store/settingsrepository.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHideEvent>
#include <QLabel>
#include <QPrintDialog>
#include <QPrinter>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QShowEvent>
#include <QStandardPaths>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

constexpr int TouchSize = 44;
// The setting that names the shop on printed summaries (the line is left out without it).
const QString ShopNameSetting = u"shop.name"_s;

QPushButton *periodButton(const QString &text, const QString &accessibleName, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setCheckable(true);
    button->setMinimumSize(96, TouchSize);
    button->setAccessibleName(accessibleName);
    return button;
}

} // namespace

ReportsPage::ReportsPage(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context)
    , m_periodGroup(new QButtonGroup(this))
    , m_todayButton(periodButton(u"Today"_s, u"Report of today"_s, this))
    , m_shiftButton(periodButton(u"Shift"_s, u"Report of a shift"_s, this))
    , m_datesButton(periodButton(u"Dates"_s, u"Report of a range of dates"_s, this))
    , m_shiftBox(new QComboBox(this))
    , m_fromLabel(new QLabel(u"From"_s, this))
    , m_fromEdit(new QDateEdit(this))
    , m_toLabel(new QLabel(u"to"_s, this))
    , m_toEdit(new QDateEdit(this))
    , m_refreshButton(new QPushButton(u"Refresh"_s, this))
    , m_exportButton(new QPushButton(u"Export CSV…"_s, this))
    , m_printButton(new QPushButton(u"Print…"_s, this))
    , m_pdfButton(new QPushButton(u"Save as PDF…"_s, this))
    , m_periodLabel(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancelButton(new QPushButton(u"Cancel"_s, this))
    , m_message(new QLabel(this))
    , m_scroll(new QScrollArea(this))
    , m_sectionsLayout(nullptr)
    , m_empty(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(u"<h2>Reports</h2>"_s, this));
    top->addSpacing(16);
    for (QPushButton *button : {m_todayButton, m_shiftButton, m_datesButton}) {
        m_periodGroup->addButton(button);
        top->addWidget(button);
    }
    m_periodGroup->setExclusive(true);
    m_todayButton->setChecked(true);
    m_shiftBox->setMinimumHeight(TouchSize);
    m_shiftBox->setMinimumContentsLength(36);
    m_shiftBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_shiftBox->setAccessibleName(u"Shift"_s);
    m_shiftBox->setToolTip(
        u"A cashier's time at a till: from their log-in until somebody else logs in there"_s);
    top->addWidget(m_shiftBox);
    for (QDateEdit *edit : {m_fromEdit, m_toEdit}) {
        edit->setCalendarPopup(true);
        edit->setMinimumHeight(TouchSize);
        edit->setDisplayFormat(m_locale.dateFormat(QLocale::ShortFormat));
    }
    m_fromEdit->setAccessibleName(u"First day"_s);
    m_toEdit->setAccessibleName(u"Last day"_s);
    m_fromLabel->setBuddy(m_fromEdit);
    m_toLabel->setBuddy(m_toEdit);
    top->addWidget(m_fromLabel);
    top->addWidget(m_fromEdit);
    top->addWidget(m_toLabel);
    top->addWidget(m_toEdit);
    top->addStretch(1);
    layout->addLayout(top);

    auto *actions = new QHBoxLayout;
    m_periodLabel->setAccessibleName(u"Report period"_s);
    m_periodLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    actions->addWidget(m_periodLabel, 1);
    m_refreshButton->setAccessibleName(u"Compute the report again"_s);
    m_exportButton->setAccessibleName(u"Export the report as CSV"_s);
    m_printButton->setAccessibleName(u"Print the summary"_s);
    m_pdfButton->setAccessibleName(u"Save the summary as PDF"_s);
    for (QPushButton *button : {m_refreshButton, m_exportButton, m_printButton, m_pdfButton}) {
        button->setMinimumHeight(TouchSize);
        actions->addWidget(button);
    }
    layout->addLayout(actions);

    auto *busy = new QHBoxLayout;
    m_progress->setRange(0, 0); // the queries say nothing about how far they are
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(14);
    m_progress->setAccessibleName(u"Computing the report"_s);
    busy->addWidget(m_progress, 1);
    m_cancelButton->setAccessibleName(u"Stop computing the report"_s);
    busy->addWidget(m_cancelButton);
    layout->addLayout(busy);

    m_message->setWordWrap(true);
    m_message->setAccessibleName(u"Reports message"_s);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);

    auto *content = new QWidget;
    m_sectionsLayout = new QVBoxLayout(content);
    m_sectionsLayout->setContentsMargins(0, 0, 8, 0);
    m_empty->setText(u"No sales and no refunds in this period."_s);
    m_empty->setStyleSheet(u"color: palette(dark); font-size: 14pt;"_s);
    m_empty->setAccessibleName(u"Report is empty"_s);
    m_sectionsLayout->addWidget(m_empty);
    m_sectionsLayout->addStretch(1);
    m_scroll->setWidget(content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(m_scroll, 1);

    setTabOrder(m_todayButton, m_shiftButton);
    setTabOrder(m_shiftButton, m_datesButton);
    setTabOrder(m_datesButton, m_shiftBox);
    setTabOrder(m_shiftBox, m_fromEdit);
    setTabOrder(m_fromEdit, m_toEdit);
    setTabOrder(m_toEdit, m_refreshButton);
    setTabOrder(m_refreshButton, m_exportButton);
    setTabOrder(m_exportButton, m_printButton);
    setTabOrder(m_printButton, m_pdfButton);

    connect(m_todayButton, &QPushButton::clicked, this, [this] { setPeriod(Period::Today); });
    connect(m_shiftButton, &QPushButton::clicked, this, [this] { setPeriod(Period::Shift); });
    connect(m_datesButton, &QPushButton::clicked, this, [this] { setPeriod(Period::Dates); });
    connect(m_shiftBox, &QComboBox::activated, this, &ReportsPage::selectShift);
    connect(m_fromEdit, &QDateEdit::dateChanged, this, [this](QDate date) {
        if (m_toEdit->date() < date)
            m_toEdit->setDate(date); // refreshes through the other edit
        else
            refresh();
    });
    connect(m_toEdit, &QDateEdit::dateChanged, this, [this](QDate date) {
        if (m_fromEdit->date() > date)
            m_fromEdit->setDate(date);
        else
            refresh();
    });
    connect(m_refreshButton, &QPushButton::clicked, this, &ReportsPage::refresh);
    connect(m_cancelButton, &QPushButton::clicked, this, &ReportsPage::cancel);
    connect(m_exportButton, &QPushButton::clicked, this, &ReportsPage::chooseCsvFile);
    connect(m_printButton, &QPushButton::clicked, this, &ReportsPage::printSummary);
    connect(m_pdfButton, &QPushButton::clicked, this, &ReportsPage::choosePdfFile);

    if (m_context.db) {
        const store::StoreResult<std::optional<store::Setting>> shop =
            store::SettingsRepository(*m_context.db).find(ShopNameSetting);
        if (shop.ok() && shop.value())
            m_shopName = shop.value()->value;
    }
    const QDate today = QDateTime::fromSecsSinceEpoch(m_context.db ? m_context.db->now() : 0, m_zone).date();
    {
        const QSignalBlocker blockFrom(m_fromEdit);
        const QSignalBlocker blockTo(m_toEdit);
        m_fromEdit->setDate(today.addDays(-6));
        m_toEdit->setDate(today);
    }
    setBusy(false);
    setMessage({}, false);
    updateControls();
}

ReportsPage::~ReportsPage() = default;

void ReportsPage::setUser(const security::ActingUser &user)
{
    const bool changed = user.name != m_user.name || user.role != m_user.role;
    m_user = user;
    if (!changed)
        return;
    clearReport();
    setMessage({}, false);
    m_shifts.clear();
    m_shiftBox->clear();
    if (m_user.isValid() && isVisible())
        refresh();
    updateControls();
}

void ReportsPage::setTimeZone(const QTimeZone &zone)
{
    m_zone = zone;
    const QDate today = QDateTime::fromSecsSinceEpoch(m_context.db ? m_context.db->now() : 0, m_zone).date();
    const QSignalBlocker blockFrom(m_fromEdit);
    const QSignalBlocker blockTo(m_toEdit);
    m_fromEdit->setDate(today.addDays(-6));
    m_toEdit->setDate(today);
}

void ReportsPage::setPeriod(Period period)
{
    m_period = period;
    QPushButton *button = period == Period::Today   ? m_todayButton
                          : period == Period::Shift ? m_shiftButton
                                                    : m_datesButton;
    button->setChecked(true);
    if (period == Period::Shift)
        loadShifts();
    updateControls();
    refresh();
}

void ReportsPage::setDates(QDate first, QDate last)
{
    {
        const QSignalBlocker blockFrom(m_fromEdit);
        const QSignalBlocker blockTo(m_toEdit);
        m_fromEdit->setDate(first);
        m_toEdit->setDate(std::max(first, last));
    }
    if (m_period == Period::Dates)
        refresh();
    else
        setPeriod(Period::Dates);
}

void ReportsPage::selectShift(int index)
{
    if (index >= 0 && index < m_shiftBox->count() && m_shiftBox->currentIndex() != index)
        m_shiftBox->setCurrentIndex(index);
    if (m_period == Period::Shift)
        refresh();
}

QString ReportsPage::shiftText(const reports::Shift &shift, const QTimeZone &zone, const QLocale &locale)
{
    const QDateTime start = QDateTime::fromSecsSinceEpoch(shift.start, zone);
    QString end = u"open"_s;
    if (shift.end) {
        const QDateTime until = QDateTime::fromSecsSinceEpoch(*shift.end, zone);
        end = until.date() == start.date() ? locale.toString(until.time(), QLocale::ShortFormat)
                                           : locale.toString(until, QLocale::ShortFormat);
    }
    return u"%1 · %2 · %3 %4 – %5"_s.arg(shift.cashier, shift.till,
                                         locale.toString(start.date(), u"ddd d MMM"_s),
                                         locale.toString(start.time(), QLocale::ShortFormat), end);
}

void ReportsPage::loadShifts()
{
    const reports::Shift previous =
        m_shiftBox->currentIndex() >= 0 && m_shiftBox->currentIndex() < m_shifts.size()
            ? m_shifts.at(m_shiftBox->currentIndex())
            : reports::Shift{};
    m_shifts.clear();
    const QSignalBlocker blocker(m_shiftBox);
    m_shiftBox->clear();
    if (!m_user.isValid() || !m_context.db)
        return;
    const qint64 now = m_context.db->now();
    reports::ReportService service(*m_context.db, m_user);
    const store::StoreResult<QList<reports::Shift>> found = service.shifts(now - ShiftDays * 86'400, now + 1);
    if (!found.ok()) {
        setMessage(u"Cannot read the shifts: "_s + found.error().message, true);
        return;
    }
    m_shifts = found.value();
    int select = -1;
    for (int i = 0; i < m_shifts.size(); ++i) {
        const reports::Shift &shift = m_shifts.at(i);
        m_shiftBox->addItem(shiftText(shift, m_zone, m_locale));
        if (shift.till == previous.till && shift.cashier == previous.cashier && shift.start == previous.start)
            select = i;
        // Otherwise this till's shift: the cash-up usually is of the till one stands at.
        if (select < 0 && shift.till == m_context.till && previous.cashier.isEmpty())
            select = i;
    }
    if (m_shiftBox->count() == 0)
        m_shiftBox->addItem(u"No log-ins in the last %1 days"_s.arg(ShiftDays));
    m_shiftBox->setCurrentIndex(std::max(0, select));
}

std::optional<reports::ReportRequest> ReportsPage::currentRequest() const
{
    const qint64 now = m_context.db ? m_context.db->now() : 0;
    switch (m_period) {
    case Period::Today:
        return reports::ReportRequest::forDay(QDateTime::fromSecsSinceEpoch(now, m_zone).date(), m_zone);
    case Period::Shift: {
        const int index = m_shiftBox->currentIndex();
        if (index < 0 || index >= m_shifts.size())
            return std::nullopt;
        return m_shifts.at(index).request(now, m_zone);
    }
    case Period::Dates:
        return reports::ReportRequest::forDates(m_fromEdit->date(), m_toEdit->date(), m_zone);
    }
    return std::nullopt;
}

void ReportsPage::refresh()
{
    if (!m_user.isValid() || !m_context.db)
        return;
    if (m_period == Period::Shift && m_shifts.isEmpty())
        loadShifts();
    const std::optional<reports::ReportRequest> request = currentRequest();
    if (!request) {
        clearReport();
        m_periodLabel->setText(u"No shift to report on: shifts start when somebody logs in at a till."_s);
        updateControls();
        emit reportReady();
        return;
    }
    const quint64 generation = ++m_generation;
    setBusy(true);
    const security::ActingUser viewer = m_user;
    const reports::ReportRequest req = *request;
    // A report of a long range reads a lot of rows: on a worker thread with its own connection, so that
    // the till keeps painting. A newer refresh, Cancel or a lock makes this one's result go unused.
    runOnStoreThread<store::StoreResult<reports::Report>>(
        m_context.databaseConfig, this,
        [viewer, req](store::Database *db, const QString &openError) -> store::StoreResult<reports::Report> {
            if (!db)
                return store::StoreError::make(store::StoreError::Kind::Open, openError);
            return reports::ReportService(*db, viewer).report(req);
        },
        [this, generation](const store::StoreResult<reports::Report> &result) {
            if (generation != m_generation)
                return;
            setBusy(false);
            if (!result.ok()) {
                clearReport();
                setMessage(result.error().kind == store::StoreError::Kind::Refused
                               ? u"Reports are for managers and the owner: "_s + result.error().message
                               : u"The report could not be computed: "_s + result.error().message,
                           true);
            } else {
                setMessage({}, false);
                showReport(result.value());
            }
            updateControls();
            emit reportReady();
        });
}

void ReportsPage::cancel()
{
    if (!m_busy)
        return;
    ++m_generation;
    setBusy(false);
    setMessage(u"Stopped. The figures below are from before."_s, false);
    updateControls();
}

void ReportsPage::showReport(const reports::Report &report)
{
    m_report = report;
    m_periodLabel->setText(periodText());
    QList<ReportCurrencySection *> kept;
    // The shop's own currency first: the one with the most sales, then by code.
    QList<reports::CurrencyTotals> ordered = report.totals;
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const reports::CurrencyTotals &a, const reports::CurrencyTotals &b) {
                         return a.salesCount > b.salesCount;
                     });
    for (const reports::CurrencyTotals &totals : ordered) {
        ReportCurrencySection *section = this->section(totals.currency);
        if (!section) {
            section = new ReportCurrencySection(totals.currency, m_scroll->widget());
            m_sectionsLayout->insertWidget(m_sectionsLayout->count() - 1, section);
        }
        section->setReport(report, m_locale);
        kept << section;
    }
    for (ReportCurrencySection *section : std::as_const(m_sections)) {
        if (!kept.contains(section))
            section->deleteLater();
    }
    // In that order on the page.
    for (int i = 0; i < kept.size(); ++i) {
        m_sectionsLayout->removeWidget(kept.at(i));
        m_sectionsLayout->insertWidget(i, kept.at(i));
    }
    m_sections = kept;
    m_empty->setVisible(report.isEmpty());
}

void ReportsPage::clearReport()
{
    ++m_generation;
    setBusy(false);
    m_report.reset();
    for (ReportCurrencySection *section : std::as_const(m_sections))
        section->deleteLater();
    m_sections.clear();
    m_empty->setVisible(false);
    m_periodLabel->clear();
}

ReportCurrencySection *ReportsPage::section(Currency currency) const
{
    for (ReportCurrencySection *section : m_sections) {
        if (section->currency() == currency)
            return section;
    }
    return nullptr;
}

QString ReportsPage::periodText() const
{
    if (!m_report)
        return {};
    const reports::ReportRequest &request = m_report->request;
    const QDateTime from = QDateTime::fromSecsSinceEpoch(request.from, request.timeZone);
    const QDateTime to = QDateTime::fromSecsSinceEpoch(request.to, request.timeZone);
    QString text;
    switch (m_period) {
    case Period::Today:
        text = u"Today, %1"_s.arg(m_locale.toString(from.date(), QLocale::LongFormat));
        break;
    case Period::Shift: {
        const int index = m_shiftBox->currentIndex();
        const bool open = index >= 0 && index < m_shifts.size() && m_shifts.at(index).isOpen();
        text = open ? u"Shift of %1 at %2, since %3 (still open)"_s.arg(
                          request.cashier, request.till, m_locale.toString(from, QLocale::ShortFormat))
                    : u"Shift of %1 at %2, %3 to %4"_s.arg(request.cashier, request.till,
                                                           m_locale.toString(from, QLocale::ShortFormat),
                                                           m_locale.toString(to, QLocale::ShortFormat));
        break;
    }
    case Period::Dates:
        text = u"%1 to %2"_s.arg(m_locale.toString(from.date(), QLocale::LongFormat),
                                 m_locale.toString(to.addSecs(-1).date(), QLocale::LongFormat));
        break;
    }
    return u"<b>%1</b> · computed at %2"_s.arg(
        text.toHtmlEscaped(),
        m_locale.toString(QDateTime::fromSecsSinceEpoch(m_report->generatedAt, request.timeZone).time(),
                          QLocale::ShortFormat));
}

void ReportsPage::setBusy(bool busy)
{
    m_busy = busy;
    m_progress->setVisible(busy);
    m_cancelButton->setVisible(busy);
}

QString ReportsPage::message() const
{
    return m_message->text();
}

void ReportsPage::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? u"color: #b00020; font-weight: bold;"_s : QString());
    m_message->setVisible(!text.isEmpty());
}

void ReportsPage::updateControls()
{
    m_shiftBox->setVisible(m_period == Period::Shift);
    for (QWidget *widget : std::initializer_list<QWidget *>{m_fromLabel, m_fromEdit, m_toLabel, m_toEdit})
        widget->setVisible(m_period == Period::Dates);
    const bool shown = m_report.has_value();
    m_exportButton->setEnabled(shown && allows(m_user.role, Permission::Export));
    m_printButton->setEnabled(shown);
    m_pdfButton->setEnabled(shown);
}

void ReportsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Figures from when the page was last looked at are stale.
    if (!event->spontaneous() && m_user.isValid())
        refresh();
}

QString ReportsPage::summaryTitle() const
{
    switch (m_period) {
    case Period::Today:
        return u"Day report"_s;
    case Period::Shift:
        return u"End-of-shift summary"_s;
    case Period::Dates:
        return u"Report"_s;
    }
    return {};
}

QString ReportsPage::summaryHtml() const
{
    if (!m_report)
        return {};
    ReportPrint print{summaryTitle(), m_shopName, m_context.till, m_user.name, m_context.testMode};
    return print.html(*m_report, m_locale);
}

bool ReportsPage::exportCsv(const QString &fileName)
{
    if (!m_report || !m_context.db)
        return false;
    const store::StoreError error =
        reports::ReportService(*m_context.db, m_user).exportCsv(*m_report, fileName);
    if (error.isError()) {
        setMessage(u"The CSV file was not written: "_s + error.message, true);
        return false;
    }
    setMessage(u"Saved %1."_s.arg(QDir::toNativeSeparators(fileName)), false);
    return true;
}

bool ReportsPage::savePdf(const QString &fileName)
{
    if (!m_report)
        return false;
    ReportPrint print{summaryTitle(), m_shopName, m_context.till, m_user.name, m_context.testMode};
    QString error;
    if (!print.writePdf(*m_report, m_locale, fileName, &error)) {
        setMessage(u"The PDF was not written: "_s + error, true);
        return false;
    }
    setMessage(u"Saved %1."_s.arg(QDir::toNativeSeparators(fileName)), false);
    return true;
}

namespace {

QString suggestedFile(const std::optional<reports::Report> &report, const QString &suffix)
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty())
        dir = QDir::homePath();
    QString name = u"kassa-report"_s;
    if (report) {
        const QDate first =
            QDateTime::fromSecsSinceEpoch(report->request.from, report->request.timeZone).date();
        name += u'-' + first.toString(Qt::ISODate);
    }
    return QDir(dir).filePath(name + suffix);
}

} // namespace

void ReportsPage::openFileDialog(const QString &title, const QString &suffix, const QString &filter,
                                 void (ReportsPage::*save)(const QString &))
{
    if (!m_report || m_dialog)
        return;
    // Window-modal and open(), not exec(): the page keeps running behind it, and a lock closes it.
    auto *dialog = new QFileDialog(this, title, suggestedFile(m_report, u'.' + suffix), filter);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(suffix);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this, save](const QString &file) {
        if (!file.isEmpty())
            (this->*save)(file);
    });
    m_dialog = dialog;
    dialog->open();
}

void ReportsPage::chooseCsvFile()
{
    openFileDialog(u"Export the report as CSV"_s, u"csv"_s, u"CSV files (*.csv);;All files (*)"_s,
                   &ReportsPage::saveCsv);
}

void ReportsPage::choosePdfFile()
{
    openFileDialog(u"Save the summary as PDF"_s, u"pdf"_s, u"PDF files (*.pdf);;All files (*)"_s,
                   &ReportsPage::saveSummaryPdf);
}

void ReportsPage::printSummary()
{
    if (!m_report || m_dialog)
        return;
    // The printer lives as long as the dialog's connection, which goes with the dialog.
    auto printer = std::make_shared<QPrinter>(QPrinter::HighResolution);
    auto *dialog = new QPrintDialog(printer.get(), this);
    dialog->setWindowTitle(u"Print the summary"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, printer] {
        if (!m_report)
            return;
        ReportPrint print{summaryTitle(), m_shopName, m_context.till, m_user.name, m_context.testMode};
        print.print(*m_report, m_locale, printer.get());
        setMessage(u"Sent to %1."_s.arg(printer->printerName().isEmpty() ? u"the printer"_s
                                                                         : printer->printerName()),
                   false);
    });
    m_dialog = dialog;
    dialog->open();
}

void ReportsPage::hideEvent(QHideEvent *event)
{
    // Spontaneous: the window was minimized; the person at the till is still the same.
    if (QDialog *dialog = m_dialog.data(); dialog && !event->spontaneous())
        dialog->reject();
    QWidget::hideEvent(event);
}

} // namespace kassa::gui
