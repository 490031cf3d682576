// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "services/security/secretstore.h"
#include "services/security/stripekey.h"

#include <QWidget>

class QLabel;
class QLineEdit;

namespace kassa::gui {

// Where a Stripe key or webhook secret is typed or pasted: the Settings page's, and the first-run
// wizard's to reuse. The field never echoes what it holds (a till's screen is seen by customers), and
// the line under it says what the text is as the owner types, in masked form only ("test secret key
// sk_test_...Wb4X"), or what is wrong with it. The field is cleared by the owner of the widget once the
// key has been taken, so that it does not linger in a widget.
class KeyEntryWidget : public QWidget
{
    Q_OBJECT
public:
    explicit KeyEntryWidget(security::SecretKind kind, QWidget *parent = nullptr);

    security::SecretKind kind() const { return m_kind; }
    // The text as entered, trimmed. For a service call, never for a label.
    QString secret() const;
    // Parsed and of the right kind for kind().
    bool isAcceptable() const;
    // What the text is (masked), or why it does not fit; empty while the field is empty.
    QString hintText() const;
    void clear();

    QLineEdit *field() const { return m_field; }
    QLabel *hintLabel() const { return m_hint; }

signals:
    void changed();
    // Enter in the field with an acceptable text.
    void submitted();

private:
    void updateHint();

    security::SecretKind m_kind;
    QLineEdit *m_field;
    QLabel *m_hint;
};

} // namespace kassa::gui
