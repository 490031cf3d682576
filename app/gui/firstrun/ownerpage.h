// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/firstrun/firstrunpage.h"

class QLabel;
class QLineEdit;

namespace kassa::gui::firstrun {

// The owner.
class OwnerPage : public FirstRunPage
{
public:
    OwnerPage();

    bool isComplete() const override { return m_valid; }

    QString name() const;
    QString displayName() const;
    QString pin() const;

private:
    void check();

    QLineEdit *m_name;
    QLineEdit *m_displayName;
    QLineEdit *m_pin;
    QLineEdit *m_repeat;
    QLabel *m_problem;
    bool m_valid = false;
};

} // namespace kassa::gui::firstrun
