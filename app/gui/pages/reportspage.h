// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/shell/consolecontext.h"
#include "services/reports/report.h"
#include "services/security/actinguser.h"

#include <QList>
#include <QLocale>
#include <QPointer>
#include <QTimeZone>
#include <QWidget>

#include <optional>

class QButtonGroup;
class QComboBox;
class QDialog;
class QDateEdit;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QVBoxLayout;

namespace kassa::gui {

class ReportCurrencySection;
class ReportLinesModel;
class HourlySalesChart;

// Reports (issue 6), for managers and the owner: today, a shift, or a range of dates, with per currency
// the gross, refunds, net and counts, the breakdowns by method and card brand and by cashier, and the
// sales per hour as a chart. Everything is ReportService's (it checks Permission::ViewReports for the
// user logged in); the page only shows it, one section per currency, never adding currencies up.
//
// A shift is a cashier's time at a till as the log-ins tell it (ReportService::shifts): from their
// log-in until somebody else logs in at that till, locks in between included; the shift's report is
// that till's sales by that cashier in that time. The list offers the shifts of the last seven days.
//
// The report is computed on a worker thread with its own connection (a month takes about a second
// on a big store); a bar shows while it runs and Cancel drops it. What is shown can be exported as
// CSV (ReportService::exportCsv, Permission::Export), printed, or saved as PDF (ReportPrint).
class ReportsPage : public QWidget
{
    Q_OBJECT
public:
    enum class Period { Today, Shift, Dates };
    static constexpr int ShiftDays = 7;

    explicit ReportsPage(const ConsoleContext &context, QWidget *parent = nullptr);
    ~ReportsPage() override;

    // Who looks now; nobody (invalid) while the till is locked: the figures go.
    void setUser(const security::ActingUser &user);
    // The shop's zone for days and hours (default: the system's).
    void setTimeZone(const QTimeZone &zone);

    Period period() const { return m_period; }
    void setPeriod(Period period);
    void setDates(QDate first, QDate last);
    // The shifts the list offers (newest first) and the one picked.
    const QList<reports::Shift> &shifts() const { return m_shifts; }
    void selectShift(int index);

    // The report on screen, once computed.
    const std::optional<reports::Report> &report() const { return m_report; }
    bool isBusy() const { return m_busy; }
    QString message() const;
    // The sections on screen, one per currency of the report.
    QList<ReportCurrencySection *> sections() const { return m_sections; }
    ReportCurrencySection *section(Currency currency) const;

    // What the buttons do after their file dialog.
    bool exportCsv(const QString &fileName);
    bool savePdf(const QString &fileName);
    // The printable summary as it would print.
    QString summaryHtml() const;
    QString summaryTitle() const;

    QPushButton *todayButton() const { return m_todayButton; }
    QPushButton *shiftButton() const { return m_shiftButton; }
    QPushButton *datesButton() const { return m_datesButton; }
    QComboBox *shiftBox() const { return m_shiftBox; }
    QDateEdit *fromEdit() const { return m_fromEdit; }
    QDateEdit *toEdit() const { return m_toEdit; }
    QPushButton *exportButton() const { return m_exportButton; }
    QPushButton *printButton() const { return m_printButton; }
    QPushButton *pdfButton() const { return m_pdfButton; }
    QPushButton *cancelButton() const { return m_cancelButton; }
    // The file or print dialog open now, if any.
    QDialog *openDialog() const { return m_dialog.data(); }

    // "Olga · demo-till · Thu 26 Nov 09:02 – open"
    static QString shiftText(const reports::Shift &shift, const QTimeZone &zone, const QLocale &locale);

public slots:
    // Computes the report of the chosen period again (the events poller applied a batch, or a click).
    void refresh();
    void cancel();
    void chooseCsvFile();
    void choosePdfFile();
    void printSummary();

signals:
    // A report arrived (or failed: message() says why).
    void reportReady();

protected:
    void showEvent(QShowEvent *event) override;
    // The till locked (or another page was picked): an open file or print dialog goes with the page.
    void hideEvent(QHideEvent *event) override;

private:
    void loadShifts();
    std::optional<reports::ReportRequest> currentRequest() const;
    void showReport(const reports::Report &report);
    void clearReport();
    void setBusy(bool busy);
    void setMessage(const QString &text, bool error);
    void updateControls();
    QString periodText() const;
    void openFileDialog(const QString &title, const QString &suffix, const QString &filter,
                        void (ReportsPage::*save)(const QString &));
    void saveCsv(const QString &fileName) { exportCsv(fileName); }
    void saveSummaryPdf(const QString &fileName) { savePdf(fileName); }

    ConsoleContext m_context;
    security::ActingUser m_user;
    QTimeZone m_zone = QTimeZone::systemTimeZone();
    QLocale m_locale;
    Period m_period = Period::Today;
    QList<reports::Shift> m_shifts;
    std::optional<reports::Report> m_report;
    quint64 m_generation = 0;
    bool m_busy = false;
    QString m_shopName;

    QButtonGroup *m_periodGroup;
    QPushButton *m_todayButton;
    QPushButton *m_shiftButton;
    QPushButton *m_datesButton;
    QComboBox *m_shiftBox;
    QLabel *m_fromLabel;
    QDateEdit *m_fromEdit;
    QLabel *m_toLabel;
    QDateEdit *m_toEdit;
    QPushButton *m_refreshButton;
    QPushButton *m_exportButton;
    QPushButton *m_printButton;
    QPushButton *m_pdfButton;
    QLabel *m_periodLabel;
    QProgressBar *m_progress;
    QPushButton *m_cancelButton;
    QLabel *m_message;
    QScrollArea *m_scroll;
    QVBoxLayout *m_sectionsLayout;
    QLabel *m_empty;
    QList<ReportCurrencySection *> m_sections;
    QPointer<QDialog> m_dialog;
};

} // namespace kassa::gui
