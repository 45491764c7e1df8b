// The request form: the requested state is searchable by name, and the legal basis's autocomplete
// is told which state was chosen, so it offers only the instruments that can bind that state (the
// server narrows the list, and refuses any other on saving). A file, not an inline script: the CSP.
'use strict';
(function () {
    const $ = window.django && window.django.jQuery;
    if (!$) {
        return;
    }
    function countryField() {
        return document.getElementById('id_country');
    }
    // The admin's autocomplete asks /admin/autocomplete/?term=...&field_name=legal_basis...
    $.ajaxPrefilter(function (options) {
        const field = countryField();
        if (!field || !field.value || typeof options.url !== 'string') {
            return;
        }
        if (options.url.indexOf('/autocomplete/') === -1) {
            return;
        }
        const data = typeof options.data === 'string' ? options.data : '';
        if (data.indexOf('field_name=legal_basis') === -1 || data.indexOf('model_name=request') === -1) {
            return;
        }
        options.data = data + '&country=' + encodeURIComponent(field.value);
    });
    $(function () {
        const field = countryField();
        if (field && field.tagName === 'SELECT' && $.fn.select2) {
            $(field).select2({width: 'style'});
        }
    });
})();
