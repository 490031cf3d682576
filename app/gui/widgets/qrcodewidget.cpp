// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/gui/widgets/qrcodewidget.h"

#include <QPainter>

#include <qrencode.h>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;

namespace kassa::gui {

namespace {

// Dark modules of one row in runs, so a row is a few rectangles rather than one per module.
template<typename DrawRun>
void forEachRun(const QrMatrix &matrix, DrawRun draw)
{
    for (int y = 0; y < matrix.size; ++y) {
        int x = 0;
        while (x < matrix.size) {
            if (!matrix.at(x, y)) {
                ++x;
                continue;
            }
            const int start = x;
            while (x < matrix.size && matrix.at(x, y))
                ++x;
            draw(start, y, x - start);
        }
    }
}

} // namespace

QrCodeWidget::QrCodeWidget(QWidget *parent)
    : QrCodeWidget(QString(), parent)
{
}

QrCodeWidget::QrCodeWidget(const QString &text, QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("QR code"));
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setText(text);
}

void QrCodeWidget::setText(const QString &text)
{
    if (text == m_text && (text.isEmpty() || isValid()))
        return;
    m_text = text;
    m_matrix = encode(text);
    updateAccessibleText();
    updateGeometry();
    update();
}

void QrCodeWidget::updateAccessibleText()
{
    // A screen reader says what the code leads to; a page that set its own description keeps it.
    if (!accessibleDescription().isEmpty() && accessibleDescription() != m_autoDescription)
        return;
    if (m_text.isEmpty())
        m_autoDescription.clear();
    else if (isValid())
        m_autoDescription = tr("Scan with a phone camera to open: %1").arg(m_text);
    else
        m_autoDescription = tr("This text is too long to show as a QR code.");
    setAccessibleDescription(m_autoDescription);
}

QrMatrix QrCodeWidget::encode(const QString &text)
{
    QrMatrix matrix;
    if (text.isEmpty())
        return matrix;
    const QByteArray utf8 = text.toUtf8();
    // Version 0: the smallest that fits; QR_MODE_8 with case sensitivity lets libqrencode switch to
    // numeric or alphanumeric segments where they are shorter.
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    if (!code)
        return matrix;
    matrix.size = code->width;
    matrix.dark.resize(std::size_t(code->width) * std::size_t(code->width));
    for (std::size_t i = 0; i < matrix.dark.size(); ++i)
        matrix.dark[i] = (code->data[i] & 1) != 0; // bit 0: dark; the other bits say what the module is for
    return matrix;
}

QImage QrCodeWidget::toImage(const QString &text, int pixelsPerModule)
{
    return toImage(encode(text), pixelsPerModule);
}

QImage QrCodeWidget::toImage(const QrMatrix &matrix, int pixelsPerModule)
{
    if (matrix.isNull())
        return {};
    const int module = std::max(1, pixelsPerModule);
    const int side = (matrix.size + 2 * QuietZone) * module;
    // Grayscale: prints and embeds in a PDF as it is, and is written directly, with no painter to
    // smooth an edge.
    QImage image(side, side, QImage::Format_Grayscale8);
    image.fill(Qt::white);
    forEachRun(matrix, [&](int x, int y, int length) {
        for (int row = (QuietZone + y) * module; row < (QuietZone + y + 1) * module; ++row)
            std::fill_n(image.scanLine(row) + (QuietZone + x) * module, length * module, uchar(0));
    });
    return image;
}

int QrCodeWidget::sideInModules() const
{
    // An empty widget keeps the size of a small code, so that a page does not jump when the text arrives.
    return (m_matrix.isNull() ? 25 : m_matrix.size) + 2 * QuietZone;
}

QSize QrCodeWidget::sizeHint() const
{
    // Four pixels a module: easily scanned from a phone held at arm's length.
    const int side = std::max(200, sideInModules() * 4);
    return {side, side};
}

QSize QrCodeWidget::minimumSizeHint() const
{
    // Two pixels a module: the least a phone camera reliably reads off a screen.
    const int side = sideInModules() * 2;
    return {side, side};
}

void QrCodeWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    if (m_matrix.isNull())
        return;
    // Work in device pixels so that every module is a whole number of them, whatever the scale factor.
    // The scale the painter applies, not the widget's screen's: grab() and render() paint into pixmaps
    // of their own (and painter.device() is then still the widget).
    const qreal ratio = std::max<qreal>(painter.deviceTransform().m11(), 1e-3);
    const int deviceSide = int(std::floor(std::min(width(), height()) * ratio));
    const int modules = sideInModules();
    const int module = std::max(1, deviceSide / modules);
    const int codeSide = module * m_matrix.size;
    const int left = (int(std::floor(width() * ratio)) - codeSide) / 2;
    const int top = (int(std::floor(height() * ratio)) - codeSide) / 2;
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setTransform(QTransform::fromScale(1.0 / ratio, 1.0 / ratio), true);
    painter.setPen(Qt::NoPen);
    painter.setBrush(Qt::black);
    forEachRun(m_matrix, [&](int x, int y, int length) {
        painter.drawRect(left + x * module, top + y * module, length * module, module);
    });
}

} // namespace kassa::gui
