from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from grants.field_components import TextInput
from grants.forms import GovForm, StrongPassword, email_address, submit

PASSWORD_HINT = "Use 12 characters or more. A good way to make a strong password is to use 3 random words."


class SignInForm(GovForm):
    email = EmailField(
        "Email address",
        widget=TextInput(),
        validators=[InputRequired(message="Enter your email address")],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
    )
    submit = submit("Sign in")


class RegistrationForm(GovForm):
    full_name = StringField(
        "Full name",
        widget=TextInput(),
        validators=[
            InputRequired(message="Enter your full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )
    email = EmailField(
        "Email address",
        description="We'll send a link to this address to confirm it is yours",
        widget=TextInput(),
        validators=[InputRequired(message="Enter your email address"), email_address()],
    )
    submit = submit("Continue")


class CreatePasswordForm(GovForm):
    password = PasswordField(
        "Create a password",
        description=PASSWORD_HINT,
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a password"), StrongPassword()],
    )
    confirm_password = PasswordField(
        "Confirm password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your password"),
            EqualTo("password", message="Passwords must match"),
        ],
    )
    submit = submit("Create account")


def new_password_field() -> PasswordField:
    return PasswordField(
        "New password",
        description=PASSWORD_HINT,
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a new password"), StrongPassword()],
    )


def confirm_new_password_field() -> PasswordField:
    return PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("new_password", message="Passwords must match"),
        ],
    )


class ChangePasswordForm(GovForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )
    new_password = new_password_field()
    confirm_password = confirm_new_password_field()
    submit = submit("Change password")


class ResetRequestForm(GovForm):
    email = EmailField(
        "Email address",
        widget=TextInput(),
        validators=[InputRequired(message="Enter your email address"), email_address()],
    )
    submit = submit("Send reset link")


class ResetPasswordForm(GovForm):
    new_password = new_password_field()
    confirm_password = confirm_new_password_field()
    submit = submit("Set password")


class SecondFactorCodeForm(GovForm):
    code = StringField(
        "Code",
        description="The 6-digit code your authenticator app shows now, or one of your recovery codes",
        widget=TextInput(),
        validators=[InputRequired(message="Enter the code from your authenticator app or a recovery code"),
                    Length(max=40, message="Enter the code from your authenticator app or a recovery code")],
    )
    submit = submit("Continue")


class AuthenticatorAppForm(GovForm):
    code = StringField(
        "Enter the 6-digit code your app shows",
        widget=TextInput(),
        validators=[InputRequired(message="Enter the 6-digit code your authenticator app shows"),
                    Length(max=20, message="Enter the 6-digit code your authenticator app shows")],
    )
    submit = submit("Turn on")
