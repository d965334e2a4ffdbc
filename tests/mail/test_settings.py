"""The MAIL_* settings come from the environment, converted to their types."""

from app.config import DefaultConfig, settings_from_env


def test_mail_settings_are_read_from_the_environment():
    settings = settings_from_env(
        {
            "MAIL_BACKEND": " SMTP ",
            "MAIL_SEND": "worker",
            "MAIL_DEFAULT_SENDER": "Helpsquare <no-reply@example.com>",
            "MAIL_SERVER": "smtp.example.com",
            "MAIL_PORT": "587",
            "MAIL_USERNAME": "helpsquare",
            "MAIL_PASSWORD": "s3cret",
            "MAIL_USE_TLS": "true",
            "MAIL_USE_SSL": "0",
            "MAIL_TIMEOUT": "2.5",
            "MAIL_FILE_DIR": "/var/mail/helpsquare",
        }
    )

    assert settings == {
        "MAIL_BACKEND": "smtp",
        "MAIL_SEND": "worker",
        "MAIL_DEFAULT_SENDER": "Helpsquare <no-reply@example.com>",
        "MAIL_SERVER": "smtp.example.com",
        "MAIL_PORT": 587,
        "MAIL_USERNAME": "helpsquare",
        "MAIL_PASSWORD": "s3cret",
        "MAIL_USE_TLS": True,
        "MAIL_USE_SSL": False,
        "MAIL_TIMEOUT": 2.5,
        "MAIL_FILE_DIR": "/var/mail/helpsquare",
    }


def test_the_embedded_default_logs_mail_and_sends_it_inline():
    assert DefaultConfig.MAIL_BACKEND == "console"
    assert DefaultConfig.MAIL_SEND == "inline"
