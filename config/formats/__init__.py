"""Date and time formats per UI language (FORMAT_MODULE_PATH): one unambiguous style each, so
no page shows "04/03/2027" (April or March?) beside "Dec. 4, 2026". Long and short formats are
the same on purpose. Input fields show the first of the input formats; they are numeric because
the admin's calendar widget writes and reads only day, month and year numbers."""
