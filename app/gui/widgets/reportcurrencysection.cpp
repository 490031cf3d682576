// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/widgets/reportcurrencysection.h"

#include "app/gui/models/reportlinesmodel.h"
#include "app/gui/widgets/hourlysaleschart.h"

#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

QTableView *makeTable(ReportLinesModel *model, const QString &accessibleName, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setModel(model);
    table->setAccessibleName(accessibleName);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->setSortingEnabled(false);
    table->verticalHeader()->hide();
    table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(false);
    table->horizontalHeader()->setSectionResizeMode(ReportLinesModel::Name, QHeaderView::Stretch);
    return table;
}

QString plural(qint64 count, const QString &one, const QString &many, const QLocale &locale)
{
    return (count == 1 ? one : many).arg(locale.toString(count));
}

} // namespace

ReportCurrencySection::ReportCurrencySection(Currency currency, QWidget *parent)
    : QWidget(parent)
    , m_currency(currency)
    , m_title(new QLabel(this))
    , m_figureGrid(new QGridLayout)
    , m_methods(new ReportLinesModel(ReportLinesModel::Kind::Method, this))
    , m_cashiers(new ReportLinesModel(ReportLinesModel::Kind::Cashier, this))
    , m_methodTable(
          makeTable(m_methods, u"%1 sales by method and card brand"_s.arg(currency.upperCode()), this))
    , m_cashierTable(makeTable(m_cashiers, u"%1 sales by cashier"_s.arg(currency.upperCode()), this))
    , m_chart(new HourlySalesChart(this))
{
    setObjectName(u"reportSection_"_s + currency.code());
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 8, 0, 8);
    m_title->setText(u"<h3>%1</h3>"_s.arg(currency.upperCode()));
    m_title->setAccessibleName(u"Currency %1"_s.arg(currency.upperCode()));
    layout->addWidget(m_title);

    m_figureGrid->setHorizontalSpacing(28);
    layout->addLayout(m_figureGrid);
    addFigure(u"gross"_s, u"Gross sales"_s, false);
    addFigure(u"refunds"_s, u"Refunds"_s, false);
    addFigure(u"net"_s, u"Net"_s, true);
    addFigure(u"sales"_s, u"Number of sales"_s, false);
    addFigure(u"declined"_s, u"Not completed"_s, false);
    m_figureGrid->setColumnStretch(m_figureGrid->columnCount(), 1);

    auto *body = new QHBoxLayout;
    auto *tables = new QVBoxLayout;
    tables->addWidget(new QLabel(u"<b>By method and card brand</b>"_s, this));
    tables->addWidget(m_methodTable);
    m_cashierCaption = new QLabel(u"<b>By cashier</b>"_s, this);
    tables->addWidget(m_cashierCaption);
    m_cashierTable->setColumnHidden(ReportLinesModel::Brand, true);
    tables->addWidget(m_cashierTable);
    tables->addStretch(1);
    body->addLayout(tables, 5);
    body->addWidget(m_chart, 4);
    layout->addLayout(body);

    auto *rule = new QFrame(this);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Sunken);
    layout->addWidget(rule);
}

QLabel *ReportCurrencySection::addFigure(const QString &name, const QString &caption, bool large)
{
    const int column = int(m_figures.size());
    auto *captionLabel = new QLabel(caption, this);
    captionLabel->setStyleSheet(u"color: palette(dark);"_s);
    auto *value = new QLabel(this);
    QFont font = value->font();
    font.setPointSizeF(font.pointSizeF() * (large ? 1.7 : 1.4));
    font.setBold(large);
    value->setFont(font);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setAccessibleName(u"%1 %2"_s.arg(m_currency.upperCode(), caption));
    auto *detail = new QLabel(this);
    detail->setStyleSheet(u"color: palette(dark);"_s);
    detail->setObjectName(name + u"Detail"_s);
    m_figureGrid->addWidget(captionLabel, 0, column);
    m_figureGrid->addWidget(value, 1, column);
    m_figureGrid->addWidget(detail, 2, column);
    m_figures.append({name, value});
    return value;
}

QString ReportCurrencySection::figure(const QString &name) const
{
    for (const auto &[key, label] : m_figures) {
        if (key == name)
            return label->text();
    }
    return {};
}

void ReportCurrencySection::setReport(const reports::Report &report, const QLocale &locale)
{
    const reports::CurrencyTotals *found = report.totalsFor(m_currency);
    const reports::CurrencyTotals totals = found ? *found : reports::CurrencyTotals{};
    const auto set = [this](const QString &name, const QString &value, const QString &detail) {
        for (const auto &[key, label] : m_figures) {
            if (key == name) {
                label->setText(value);
                if (auto *detailLabel = findChild<QLabel *>(name + u"Detail"_s))
                    detailLabel->setText(detail);
            }
        }
    };
    const Money zero(0, m_currency);
    set(u"gross"_s, (found ? totals.gross : zero).format(locale),
        plural(totals.salesCount, u"%1 sale"_s, u"%1 sales"_s, locale));
    QString refundDetail = plural(totals.refundCount, u"%1 refund"_s, u"%1 refunds"_s, locale);
    if (totals.pendingRefundCount > 0)
        refundDetail += u", %1 waiting"_s.arg(totals.pendingRefunds.format(locale));
    if (totals.failedRefundCount > 0)
        refundDetail += u", %1 failed"_s.arg(locale.toString(totals.failedRefundCount));
    set(u"refunds"_s, (found ? totals.refunded : zero).format(locale), refundDetail);
    set(u"net"_s, (found ? totals.net : zero).format(locale), u"gross − refunds"_s);
    set(u"sales"_s, locale.toString(totals.salesCount),
        u"average %1"_s.arg((found ? totals.averageSale : zero).format(locale)));
    set(u"declined"_s, plural(totals.declinedCount, u"%1 declined"_s, u"%1 declined"_s, locale),
        plural(totals.canceledCount, u"%1 canceled"_s, u"%1 canceled"_s, locale));

    m_methods->setLines(report.byMethod, m_currency);
    m_cashiers->setLines(report.byCashier, m_currency);
    // A shift's report is one cashier's: the breakdown by cashier would repeat the totals.
    const bool oneCashier = !report.request.cashier.isEmpty();
    m_cashierTable->setVisible(!oneCashier);
    m_cashierCaption->setVisible(!oneCashier);
    fitTable(m_methodTable);
    fitTable(m_cashierTable);
    const bool byHourOfDay = report.bucketSize == reports::BucketSize::Day;
    m_chart->setSales(report.hoursOfDay, m_currency,
                      byHourOfDay ? u"Sales per hour of the day (all days)"_s : u"Sales per hour"_s);
}

void ReportCurrencySection::fitTable(QTableView *table)
{
    // Every line shows at once: the page scrolls, not each table.
    const int rows = std::max(1, table->model()->rowCount());
    const int height = table->horizontalHeader()->sizeHint().height() +
                       rows * table->verticalHeader()->defaultSectionSize() + 2 * table->frameWidth();
    table->setFixedHeight(height);
}

} // namespace kassa::gui
