// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/gui/firstrun/firstrunpage.h"

class QLabel;

namespace kassa::gui::firstrun {

// What will be saved; Finish saves it.
class FinishPage : public FirstRunPage
{
public:
    FinishPage();

    void initializePage() override;

    bool isComplete() const override { return !m_saving; }

    bool validatePage() override;

private:
    void setLeaving(bool enabled);

    QLabel *m_summary;
    QLabel *m_status;
    bool m_saving = false;
    bool m_saved = false;
};

} // namespace kassa::gui::firstrun
