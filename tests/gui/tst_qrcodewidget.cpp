// SPDX-License-Identifier: GPL-3.0-or-later
// QrCodeWidget: the modules it encodes are libqrencode's own (level M), the image has the quiet zone and
// whole-pixel modules, the widget paints the same modules crisply at several sizes and scale factors,
// and says what it shows to a screen reader.
#include "app/gui/widgets/qrcodewidget.h"

#include <QTest>

#include <qrencode.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace kassa::gui;

class TestQrCodeWidget : public QObject
{
    Q_OBJECT

private slots:
    void matrixIsLibqrencodes_data();
    void matrixIsLibqrencodes();
    void imageShowsTheModules();
    void emptyAndTooLong();
    void widgetPaintsTheCode_data();
    void widgetPaintsTheCode();
    void accessibleText();
    void sizeHints();
};

namespace {

// libqrencode's answer for the same input, the reference the widget must match.
QrMatrix reference(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    QrMatrix matrix;
    if (!code)
        return matrix;
    matrix.size = code->width;
    for (int i = 0; i < code->width * code->width; ++i)
        matrix.dark.push_back((code->data[i] & 1) != 0);
    return matrix;
}

// Reads the modules back from a picture of the code whose top-left module starts at `origin` and whose
// modules are `module` pixels: each module's centre pixel, dark below mid-grey.
QrMatrix sample(const QImage &image, QPoint origin, int module, int size)
{
    QrMatrix matrix;
    matrix.size = size;
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const QPoint centre = origin + QPoint(x * module + module / 2, y * module + module / 2);
            matrix.dark.push_back(qGray(image.pixel(centre)) < 128);
        }
    }
    return matrix;
}

// Every pixel is pure black or pure white: no smoothing at module edges.
bool isCrisp(const QImage &image)
{
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
    for (int y = 0; y < gray.height(); ++y) {
        const uchar *line = gray.constScanLine(y);
        for (int x = 0; x < gray.width(); ++x) {
            if (line[x] != 0 && line[x] != 255)
                return false;
        }
    }
    return true;
}

} // namespace

void TestQrCodeWidget::matrixIsLibqrencodes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("size"); // modules a side: the version libqrencode picks at level M
    QTest::newRow("short") << u"kassa"_s << 21;
    QTest::newRow("checkout url") << u"http://127.0.0.1:12111/c/pay/cs_test_a1B2c3D4e5F6g7H8i9J0"_s << 33;
    QTest::newRow("utf-8") << u"Caf\u00e9 \u2615 \u00a512,000"_s << 25;
}

void TestQrCodeWidget::matrixIsLibqrencodes()
{
    QFETCH(QString, text);
    QFETCH(int, size);
    const QrMatrix matrix = QrCodeWidget::encode(text);
    const QrMatrix expected = reference(text);
    QVERIFY(!expected.isNull());
    QCOMPARE(matrix.size, expected.size);
    QCOMPARE(matrix.size, size);
    QVERIFY(matrix.dark == expected.dark);
    // The three finder patterns: dark 7×7 squares at three corners, a light ring inside.
    for (const QPoint corner : {QPoint(0, 0), QPoint(size - 7, 0), QPoint(0, size - 7)}) {
        QVERIFY(matrix.at(corner.x(), corner.y()));
        QVERIFY(matrix.at(corner.x() + 6, corner.y() + 6));
        QVERIFY(!matrix.at(corner.x() + 1, corner.y() + 1));
        QVERIFY(matrix.at(corner.x() + 3, corner.y() + 3));
    }
}

void TestQrCodeWidget::imageShowsTheModules()
{
    const QString text = u"https://pay.example/r/ORD-1001"_s;
    const QrMatrix expected = reference(text);
    for (const int module : {1, 3, 8}) {
        const QImage image = QrCodeWidget::toImage(text, module);
        const int side = (expected.size + 2 * QrCodeWidget::QuietZone) * module;
        QCOMPARE(image.size(), QSize(side, side));
        QVERIFY(isCrisp(image));
        const QPoint origin(QrCodeWidget::QuietZone * module, QrCodeWidget::QuietZone * module);
        QVERIFY(sample(image, origin, module, expected.size).dark == expected.dark);
        // The quiet zone is white all round.
        for (int i = 0; i < side; ++i) {
            QCOMPARE(qGray(image.pixel(i, 0)), 255);
            QCOMPARE(qGray(image.pixel(0, i)), 255);
            QCOMPARE(qGray(image.pixel(i, side - 1)), 255);
            QCOMPARE(qGray(image.pixel(side - 1, i)), 255);
        }
    }
}

void TestQrCodeWidget::emptyAndTooLong()
{
    QVERIFY(QrCodeWidget::encode(QString()).isNull());
    QVERIFY(QrCodeWidget::toImage(QString()).isNull());
    // Level M holds at most 2,331 bytes; 3,000 cannot be encoded.
    const QString tooLong(3000, u'x');
    QVERIFY(QrCodeWidget::encode(tooLong).isNull());
    QrCodeWidget widget(tooLong);
    QVERIFY(!widget.isValid());
    widget.resize(200, 200);
    const QImage grabbed = widget.grab().toImage();
    QVERIFY(!grabbed.isNull());
}

void TestQrCodeWidget::widgetPaintsTheCode_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<qreal>("ratio");
    QTest::newRow("square") << QSize(200, 200) << 1.0;
    QTest::newRow("wide") << QSize(333, 180) << 1.0;
    QTest::newRow("odd size") << QSize(157, 161) << 1.0;
    QTest::newRow("high dpi") << QSize(200, 200) << 2.0;
    QTest::newRow("fractional dpi") << QSize(211, 211) << 1.5;
}

void TestQrCodeWidget::widgetPaintsTheCode()
{
    QFETCH(QSize, size);
    QFETCH(qreal, ratio);
    const QString text = u"http://127.0.0.1:12111/3ds/pi_3MtwBwLkdIwHu7ix28a3tqPa"_s;
    QrCodeWidget widget(text);
    widget.resize(size);
    const QrMatrix expected = widget.matrix();
    QVERIFY(expected.dark == reference(text).dark);

    // Paint as a screen with this scale factor would: into a pixmap of device pixels.
    QPixmap pixmap(size * ratio);
    pixmap.setDevicePixelRatio(ratio);
    widget.render(&pixmap);
    const QImage image = pixmap.toImage();
    QVERIFY(isCrisp(image));

    // Find the top-left finder pattern and the module size from the first dark run.
    QPoint origin(-1, -1);
    for (int y = 0; y < image.height() && origin.x() < 0; ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if (qGray(image.pixel(x, y)) < 128) {
                origin = QPoint(x, y);
                break;
            }
        }
    }
    QVERIFY(origin.x() >= 0);
    int run = 0;
    while (qGray(image.pixel(origin.x() + run, origin.y())) < 128)
        ++run;
    QCOMPARE(run % 7, 0); // the finder pattern's top edge is seven whole modules
    const int module = run / 7;
    const int sideModules = expected.size + 2 * QrCodeWidget::QuietZone;
    // As large as fits with its quiet zone, in whole device pixels.
    const int deviceSide = qMin(image.width(), image.height());
    QCOMPARE(module, deviceSide / sideModules);
    QVERIFY(origin.x() >= QrCodeWidget::QuietZone * module);
    QVERIFY(origin.y() >= QrCodeWidget::QuietZone * module);
    QVERIFY(sample(image, origin, module, expected.size).dark == expected.dark);
}

void TestQrCodeWidget::accessibleText()
{
    QrCodeWidget widget;
    QVERIFY(!widget.accessibleName().isEmpty());
    widget.setText(u"https://pay.example/a"_s);
    QVERIFY(widget.accessibleDescription().contains(u"https://pay.example/a"_s));
    widget.setText(u"https://pay.example/b"_s);
    QVERIFY(widget.accessibleDescription().contains(u"https://pay.example/b"_s));
    // A page's own description stays.
    widget.setAccessibleDescription(u"Customer's checkout link"_s);
    widget.setText(u"https://pay.example/c"_s);
    QCOMPARE(widget.accessibleDescription(), u"Customer's checkout link"_s);
}

void TestQrCodeWidget::sizeHints()
{
    QrCodeWidget widget(u"https://pay.example/r/1"_s);
    const int modules = widget.matrix().size + 2 * QrCodeWidget::QuietZone;
    QCOMPARE(widget.sizeHint().width(), widget.sizeHint().height());
    QVERIFY(widget.sizeHint().width() >= modules * 4);
    QCOMPARE(widget.minimumSizeHint(), QSize(modules * 2, modules * 2));
    QVERIFY(widget.hasHeightForWidth());
    QCOMPARE(widget.heightForWidth(300), 300);
}

QTEST_MAIN(TestQrCodeWidget)
#include "tst_qrcodewidget.moc"
