// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/saleinterruptedbanner.h"

#include "app/gui/pages/saleui.h"
#include "core/money.h"
#include "services/sale/saleservice.h"
#include "services/store/database.h"
#include "services/store/outboxrepository.h"
#include "services/sync/outbox.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

// What SaleService::newOrderRef puts after the till: "-yyyyMMdd-HHmmss-xxxxxxxx" less its first dash.
constexpr qsizetype OrderRefSuffixLength = 24;

} // namespace

SaleInterruptedBanner::SaleInterruptedBanner(sale::SaleService &service, store::Database &db,
                                             const QString &till, QWidget *parent)
    : QFrame(parent)
    , m_service(service)
    , m_db(db)
    // Only this till's orders: another till on the same database follows its own.
    , m_prefix(sale::SaleService::newOrderRef(till).chopped(OrderRefSuffixLength))
{
    setObjectName(u"saleInterrupted"_s);
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(
        u"#saleInterrupted { background: #fff4ce; border: 1px solid #9a6700; border-radius: 4px; }"_s);
    auto *layout = new QHBoxLayout(this);
    m_text = new QLabel(this);
    m_text->setObjectName(u"saleInterruptedText"_s);
    m_text->setWordWrap(true);
    m_text->setStyleSheet(u"color: #3b2a00;"_s);
    layout->addWidget(m_text, 1);
    m_resume = saleui::bigButton(u"Resume it  (F8)"_s, u"saleResume"_s, this);
    m_resume->setAccessibleName(u"Resume the interrupted sale"_s);
    connect(m_resume, &QPushButton::clicked, this, &SaleInterruptedBanner::resumeRequested);
    layout->addWidget(m_resume);
    hide();
}

QString SaleInterruptedBanner::refresh(bool active)
{
    m_orders.clear();
    QString error;
    if (active) {
        QStringList orders = m_service.unfinishedOrders(&error);
        orders += ordersWithTheCustomer();
        for (const QString &orderRef : std::as_const(orders)) {
            if (orderRef.startsWith(m_prefix) && !m_orders.contains(orderRef))
                m_orders.append(orderRef);
        }
    }
    render();
    return error.isEmpty() ? QString() : u"Unfinished sales could not be looked up: "_s + error;
}

void SaleInterruptedBanner::takeFirst()
{
    if (!m_orders.isEmpty())
        m_orders.removeFirst();
    render();
}

void SaleInterruptedBanner::render()
{
    setVisible(!m_orders.isEmpty());
    if (m_orders.isEmpty())
        return;
    QString what = u"A sale (order %1) was interrupted."_s.arg(m_orders.first());
    if (const QString order = describeOrder(m_orders.first()); !order.isEmpty())
        what = u"A sale of %1 was interrupted."_s.arg(order);
    if (m_orders.size() > 1)
        what += u" %1 more after it."_s.arg(m_orders.size() - 1);
    m_text->setText(what + u" The customer may have paid, or may still be paying: resume it to find out "
                           "before taking the payment again."_s);
}

QString SaleInterruptedBanner::describeOrder(const QString &orderRef) const
{
    // "$33.00 (Lamp) at 11:25", from the order's first payment request as the outbox wrote it.
    const auto rows = store::OutboxRepository(m_db).findByOrderRef(orderRef);
    if (!rows.ok() || rows.value().isEmpty())
        return {};
    const store::OutboxEntry &first = rows.value().constLast(); // newest first
    const stripe::StripeParams params = sync::Outbox::decodeForm(first.params);
    const bool session = first.path.startsWith(u"/v1/checkout/sessions"_s);
    const std::optional<Currency> currency =
        Currency::fromCode(params.value(session ? u"line_items[0][price_data][currency]"_s : u"currency"_s));
    const QString amount = params.value(session ? u"line_items[0][price_data][unit_amount]"_s : u"amount"_s);
    if (!currency || amount.isEmpty())
        return {};
    QString text = Money(amount.toLongLong(), *currency).format(saleui::displayLocale());
    const QString description =
        params.value(session ? u"line_items[0][price_data][product_data][name]"_s : u"description"_s);
    if (!description.isEmpty() && !session)
        text += u" (%1)"_s.arg(description);
    if (first.createdAt > 0)
        text += u" at "_s + saleui::displayLocale().toString(
                                QDateTime::fromSecsSinceEpoch(first.createdAt).time(), QLocale::ShortFormat);
    return text;
}

QStringList SaleInterruptedBanner::ordersWithTheCustomer() const
{
    // A sale whose PaymentIntent waited for the customer's bank (3-D Secure) when the till stopped: its
    // request was answered, so the outbox has nothing unfinished, yet the customer can still confirm on
    // their phone. Looked for while such a check can still be open: a day, as Stripe keeps it.
    QStringList orders;
    const store::StoreError error = m_db.query(
        u"SELECT o.order_ref FROM outbox o JOIN payments p ON p.id = o.object_id "
        "WHERE o.exclusive = 1 AND o.state = 'done' AND o.created_at >= ? "
        "AND p.status IN ('requires_action', 'requires_confirmation', 'processing') ORDER BY o.id"_s,
        {m_db.now() - 24 * 3600}, [&orders](const QSqlQuery &row) {
            orders.append(row.value(0).toString());
            return true;
        });
    if (error.isError())
        qWarning("kassa: sales waiting for the customer not found: %s", qUtf8Printable(error.toString()));
    return orders;
}

} // namespace kassa::gui
