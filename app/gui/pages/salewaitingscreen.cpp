// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/pages/salewaitingscreen.h"

#include "app/gui/pages/saleui.h"
#include "app/gui/widgets/qrcodewidget.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace kassa::gui {

SaleWaitingScreen::SaleWaitingScreen(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"saleWaiting"_s);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    m_title = saleui::titleLabel(this);
    m_title->setObjectName(u"saleWaitingTitle"_s);
    m_title->setAccessibleName(u"Amount"_s);
    layout->addWidget(m_title);
    m_text = new QLabel(this);
    m_text->setObjectName(u"saleWaitingText"_s);
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    m_text->setAccessibleName(u"What the sale waits for"_s);
    QFont f = m_text->font();
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_text->setFont(f);
    layout->addWidget(m_text);
    m_qr = new QrCodeWidget(this);
    m_qr->setObjectName(u"saleQrCode"_s);
    // Square and phone-sized: stretched, the code's white margin filled the page.
    m_qr->setFixedSize(300, 300);
    m_qr->setAccessibleName(u"Payment QR code"_s);
    layout->addWidget(m_qr, 0, Qt::AlignHCenter);
    m_link = new QLabel(this);
    m_link->setObjectName(u"saleLink"_s);
    m_link->setAlignment(Qt::AlignCenter);
    m_link->setWordWrap(true);
    m_link->setOpenExternalLinks(true);
    m_link->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_link->setAccessibleName(u"Payment page link"_s);
    layout->addWidget(m_link);
    m_cancel = saleui::bigButton(u"Cancel"_s, u"saleCancel"_s, this);
    m_cancel->setAccessibleName(u"Cancel the payment"_s);
    m_cancel->setMinimumWidth(200);
    connect(m_cancel, &QPushButton::clicked, this, &SaleWaitingScreen::cancelRequested);
    layout->addWidget(m_cancel, 0, Qt::AlignHCenter);
    m_testTap = saleui::bigButton(u"Tap a test card on the reader (test mode)"_s, u"saleTestTap"_s, this);
    m_testTap->setToolTip(
        u"No customer at a simulated reader: this presents Visa •••• 4242 to it, as Stripe's "
        "test helper does."_s);
    m_testTap->setMinimumWidth(320);
    m_testTap->hide();
    connect(m_testTap, &QPushButton::clicked, this, &SaleWaitingScreen::testTapRequested);
    layout->addWidget(m_testTap, 0, Qt::AlignHCenter);
    layout->addStretch(2);
    setActionUrl({});
}

QString SaleWaitingScreen::text() const
{
    return m_text->text();
}

void SaleWaitingScreen::setContent(const QString &title, const QString &text)
{
    m_title->setText(title);
    m_text->setText(text);
}

void SaleWaitingScreen::setText(const QString &text)
{
    m_text->setText(text);
}

void SaleWaitingScreen::setActionUrl(const QUrl &url)
{
    m_qr->setText(url.isEmpty() ? QString() : url.toString());
    m_qr->setVisible(!url.isEmpty());
    m_link->setVisible(!url.isEmpty());
    // The link opens the page on this computer, for a customer who would rather type here; shown in full
    // so that it can be read out.
    m_link->setText(url.isEmpty()
                        ? QString()
                        : u"<a href=\"%1\">%2</a>"_s.arg(url.toString(QUrl::FullyEncoded).toHtmlEscaped(),
                                                         url.toString().toHtmlEscaped()));
}

} // namespace kassa::gui
