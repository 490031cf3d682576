// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the first-run wizard's pages share. Internal to app/gui/firstrun.

#include "app/gui/firstrun/firstrunwizard.h"

#include <QWizardPage>

class QLabel;
class QWidget;

namespace kassa::gui::firstrun {

// A label that wraps and shows its text as plain text.
QLabel *wrapped(const QString &text, QWidget *parent);
// Shows `text` in `label` (red for a problem, green otherwise); hides the label when `text` is empty.
void showMessage(QLabel *label, const QString &text, bool error);

// The pages reach the wizard's shared choices through this.
class FirstRunPage : public QWizardPage
{
protected:
    FirstRunWizard *firstRun() const { return qobject_cast<FirstRunWizard *>(wizard()); }
};

} // namespace kassa::gui::firstrun
