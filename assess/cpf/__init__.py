"""The CPF declaration (« accrochage ») of the holders to the Caisse des Dépôts: the XML
file of a period's holders (``xml``, checked by ``rules`` then by the CDC's XSD), the
processing report imported (``report``), the certifier's page (``views``) and the command
line (``cli``). The legal deadline is three months after the award (``queries``)."""
