// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QImage>
#include <QString>
#include <QWidget>

#include <vector>

namespace kassa::gui {

// The modules of one QR code, row by row, `size` × `size`; true is dark. Empty (isNull()) when there
// was nothing to encode or the text does not fit a QR code.
struct QrMatrix
{
    int size = 0;
    std::vector<bool> dark;

    bool isNull() const { return size == 0; }
    bool at(int x, int y) const { return dark[std::size_t(y) * std::size_t(size) + std::size_t(x)]; }
};

// Shows a string (a Checkout URL, a 3-D Secure link, a receipt URL) as a QR code for a phone camera.
//
// Encoded by libqrencode with error correction level M (15 % of the code may be damaged: a screen's
// glare, a creased receipt) and drawn as whole-pixel rectangles with a four-module quiet zone on white,
// whatever the palette, since scanners need dark on light. Each module is a whole number of device
// pixels, so the code stays crisp on high-DPI screens and at any widget size; the rest of the widget
// is white margin around the centred code. Square: heightForWidth() is the width.
//
// toImage() gives the same picture for receipts and PDFs.
class QrCodeWidget : public QWidget
{
    Q_OBJECT
    Q_PROPERTY(QString text READ text WRITE setText)

public:
    // Modules of light margin on every side, as ISO/IEC 18004 asks.
    static constexpr int QuietZone = 4;

    explicit QrCodeWidget(QWidget *parent = nullptr);
    explicit QrCodeWidget(const QString &text, QWidget *parent = nullptr);

    QString text() const { return m_text; }
    void setText(const QString &text);
    const QrMatrix &matrix() const { return m_matrix; }
    // False when the text was empty or too long for a QR code (about 2,300 bytes at level M).
    bool isValid() const { return !m_matrix.isNull(); }

    // Encodes UTF-8 `text` at level M, in the smallest version that holds it.
    static QrMatrix encode(const QString &text);
    // The code with its quiet zone, `pixelsPerModule` pixels a module (at least 1), black on white.
    // A null QImage when the text cannot be encoded.
    static QImage toImage(const QString &text, int pixelsPerModule = 8);
    static QImage toImage(const QrMatrix &matrix, int pixelsPerModule = 8);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void updateAccessibleText();
    int sideInModules() const;

    QString m_text;
    QrMatrix m_matrix;
    QString m_autoDescription; // what updateAccessibleText() last set, so a page's own is never replaced
};

} // namespace kassa::gui
