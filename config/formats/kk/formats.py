# Kazakh writes dates as Russian does: "04.12.2026" and "04.12.2026 14:05" everywhere (Django has no
# format module for Kazakh: it fell back to "m/d/Y"). One definition, so the two never drift apart.
from config.formats.ru.formats import *  # noqa: F403
